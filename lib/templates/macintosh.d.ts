// Types for the `macintosh` codec (the Encoding Standard's Mac Roman), which ships none.
// Both sides are "byte strings": one character per byte, U+0000-U+00FF.
declare module "macintosh" {
  interface Macintosh {
    /** Text -> Mac Roman bytes; throws on a character Mac Roman cannot hold (mode "fatal", the default). */
    encode(input: string, options?: { mode?: "fatal" | "html" }): string;
    /** Mac Roman bytes -> text. */
    decode(input: string, options?: { mode?: "replacement" | "fatal" }): string;
    labels: string[];
    version: string;
  }
  const macintosh: Macintosh;
  export default macintosh;
}
