/** "A, B, C and 2 more": a list of people that stays one line on a busy page. */
export function namesOf(names: string[], shown = 4): string {
  return names.length > shown ? `${names.slice(0, shown).join(", ")} and ${names.length - shown} more` : names.join(", ");
}
