/**
 * The one way to align text in columns (`hgpu place`'s and `hgpu runs`' tables, `--help`'s option
 * lists): each cell padded to its column's widest, two spaces apart, trailing spaces trimmed.
 */

/** `rows` aligned in columns, one string per row; a missing cell counts as empty. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(0, ...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => widths.map((w, i) => (r[i] ?? "").padEnd(w)).join("  ").trimEnd());
}

/** A header and its rows as one aligned table (lines joined by newlines). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return alignColumns([header, ...rows]).join("\n");
}
