/**
 * Country names as the RMI templates write them (upper-case ISO short names: "CONGO, DEMOCRATIC REPUBLIC OF THE",
 * "BOLIVIA (PLURINATIONAL STATE OF)", "UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND") → ISO alpha-2 through
 * the repo's country parser, trying the inverted and shortened forms of such names.
 */
import { isUnknownCountry, type Parsed, parseCountry } from '../../model/normalise.ts';

/** ISO short names the parser's aliases do not hold in any of the tried forms. */
const LONG_FORMS: Record<string, string> = {
  'UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND': 'GB',
};

/** A country cell → ISO alpha-2, null for an unknown country ('Unknown', blank), or the parser's reason. */
export function parseRmiCountry(raw: string): Parsed<string | null> {
  const s = raw.trim().replace(/\s+/g, ' ');
  if (isUnknownCountry(s)) return { ok: true, value: null };
  const long = LONG_FORMS[s.toUpperCase()];
  if (long) return { ok: true, value: long };
  const first = parseCountry(s);
  if (first.ok) return first;
  const comma = /^(.*?),\s*(.*)$/.exec(s);
  const forms = [
    comma ? `${comma[2]} ${comma[1]}` : '',
    s.replace(/\s*\(.*?\)\s*/g, ' ').trim(),
    comma ? (comma[1] as string) : '',
  ];
  for (const f of forms) {
    if (f === '' || f === s) continue;
    const p = parseCountry(f);
    if (p.ok) return p;
  }
  return first;
}
