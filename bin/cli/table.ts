/** The command line's tables: the one home is lib/core/table.ts. */
export { alignColumns, table } from "../../lib/core";
