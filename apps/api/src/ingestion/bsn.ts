/**
 * Citizen service numbers (BSN) must never enter the warehouse. A BSN is 9 digits passing the 11-test:
 * 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11. Any run of exactly 9 digits inside any cell that
 * passes the test (other than 000000000) is refused.
 */
const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1];

export function passesElevenTest(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || digits === '000000000') return false;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(digits[i]), 0);
  return sum % 11 === 0;
}

/** True when the text holds a 9-digit run that passes the 11-test. */
export function containsPossibleBsn(text: string): boolean {
  return (text.match(/\d+/g) ?? []).some((run) => run.length === 9 && passesElevenTest(run));
}

/** DuckDB macro doing the same set-based: `<name>(text) -> boolean` (NULL in, NULL out). */
export function bsnMacroSql(name: string): string {
  const terms = WEIGHTS.map((w, i) => `${w} * TRY_CAST(d[${i + 1}] AS INTEGER)`).join(' + ');
  return `CREATE OR REPLACE TEMP MACRO ${name}(s) AS
    regexp_matches(s, '[0-9]{9}') AND len(list_filter(regexp_extract_all(s, '[0-9]+'),
      lambda d: CASE WHEN length(d) = 9 AND d <> '000000000' THEN (${terms}) % 11 = 0 ELSE false END)) > 0`;
}
