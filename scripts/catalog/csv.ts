/**
 * A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF), enough for the catalog
 * sources. Returns one record per data row, keyed by the header.
 */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += ch;
    }
  }
  if (quoted) throw new Error("CSV ends inside a quoted field");
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...data] = rows.filter((r) => !(r.length === 1 && r[0] === "") && !r[0]!.startsWith("#"));
  if (!header) return [];
  return data.map((r, n) => {
    if (r.length !== header.length) {
      throw new Error(`CSV row ${n + 2} has ${r.length} fields, the header has ${header.length}`);
    }
    return Object.fromEntries(header.map((h, j) => [h, r[j]!]));
  });
}
