// Mojibake repair: text that was saved as UTF-8 and read back as Mac Roman on its way to us
// ("✅" is E2 9C 85 in UTF-8; read as Mac Roman those bytes are "‚úÖ"). The team's checklist
// has "‚úÖ", "‚ùå" and "\uF8FFüö®" (🚨: its first byte, F0, is the Apple logo in Mac Roman).
//
// A repair is made only where undoing the mistake is exact: the characters, encoded as Mac
// Roman, are one well-formed UTF-8 sequence, and that character encoded as UTF-8 gives back the
// very same bytes. Accented letters typed on purpose ("Café", "naïve", "“élan”") almost never
// form such a sequence; to be safe, a two-byte sequence is only taken when it decodes to a
// Latin letter or sign (U+00A0-U+017F), the accented text UTF-8 mojibake usually hides, never to
// Greek, Cyrillic and the like, which "“é" or "«ç" would otherwise become.
// The codec is the Encoding Standard's "macintosh" (the `macintosh` package, the table macOS
// uses today: F0 is U+F8FF, DB is €); iconv-lite's older table lacks the Apple logo, so it could
// not repair any emoji.
import macintosh from "macintosh";
import type { MojibakeRepair } from "./markdown-text";

export type { MojibakeRepair } from "./markdown-text";

/** The 128 characters Mac Roman has for bytes 0x80-0xFF. */
const MAC_HIGH = macintosh.decode(String.fromCharCode(...Array.from({ length: 128 }, (_, i) => 0x80 + i)));
const escapeClass = (chars: string) => Array.from(chars, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
/** Runs of two or more such characters: one alone can never be a UTF-8 sequence. */
const RUN = new RegExp(`[${escapeClass(MAC_HIGH)}]{2,}`, "g");

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

/** Byte string (one char per byte) -> bytes. */
const bytesOf = (bytes: string) => Uint8Array.from(bytes, (c) => c.charCodeAt(0));

/** How long a UTF-8 sequence starting with this byte is; 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The character those bytes are in UTF-8, if they are exactly one character and it round-trips. */
function decodeExactly(bytes: string): string | undefined {
  let text: string;
  try {
    text = utf8Decoder.decode(bytesOf(bytes));
  } catch {
    return undefined;
  }
  const codePoints = Array.from(text);
  if (codePoints.length !== 1) return undefined;
  const codePoint = codePoints[0]!.codePointAt(0)!;
  if (bytes.length === 2 && !(codePoint >= 0xa0 && codePoint <= 0x17f)) return undefined;
  // Decode -> encode must give back the same bytes (the fatal decoder already refuses overlong
  // forms and surrogates; this says so outright).
  const back = utf8Encoder.encode(text);
  if (back.length !== bytes.length || back.some((b, i) => b !== bytes.charCodeAt(i))) return undefined;
  // And the bytes must be what the document's characters are in Mac Roman, and nothing else.
  return text;
}

/** One run of Mac Roman characters, repaired where it holds exact UTF-8 sequences. */
function repairRun(run: string, found: (from: string, to: string, offset: number) => void): string {
  let bytes: string;
  try {
    bytes = macintosh.encode(run);
  } catch {
    return run;
  }
  // Each character of the run is one byte, so offsets into `bytes` are offsets into `run`.
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes.charCodeAt(i));
    const candidate = length > 0 ? bytes.slice(i, i + length) : "";
    const to = candidate.length === length && length > 0 ? decodeExactly(candidate) : undefined;
    if (to !== undefined && macintosh.decode(candidate) === run.slice(i, i + length)) {
      found(run.slice(i, i + length), to, i);
      out += to;
      i += length;
    } else {
      out += run[i];
      i += 1;
    }
  }
  return out;
}

/** The text with its Mac Roman mojibake undone, and every repair, in document order. */
export function repairMojibake(text: string): { text: string; repairs: MojibakeRepair[] } {
  const repairs: MojibakeRepair[] = [];
  let line = 1;
  let counted = 0;
  const lineAt = (offset: number) => {
    for (; counted < offset; counted++) if (text.charCodeAt(counted) === 10) line++;
    return line;
  };
  const repaired = text.replace(RUN, (run, offset: number) =>
    repairRun(run, (from, to, at) => repairs.push({ line: lineAt(offset + at), from, to })),
  );
  return { text: repaired, repairs };
}
