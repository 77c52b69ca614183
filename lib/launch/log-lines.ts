/**
 * Node 0's log as the launcher prints it, each line behind a prefix (pure). The log arrives in
 * pieces that may end inside a line: a line is prefixed once, where it starts, and a piece that
 * ends with a line break leaves no dangling prefix behind it.
 */

/** A function that prefixes the lines of the pieces it is given, in order. */
export function logQuoter(prefix = "  | "): (piece: string) => string {
  let atLineStart = true;
  return (piece) => {
    const lines = piece.split("\n");
    const out = lines.map((line, i) => ((i > 0 || atLineStart) && !(line === "" && i === lines.length - 1) ? `${prefix}${line}` : line)).join("\n");
    if (piece !== "") atLineStart = piece.endsWith("\n");
    return out;
  };
}
