import { BYTES_PER_GB } from "../core/egress";
import type { TerraformEvent } from "./terraform";

/** Where progress goes: a terminal gets a redrawn bar, anything else plain lines. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): void;
}

/** Formats seconds as `mm:ss` or `h:mm:ss`. */
export function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Bytes in the unit egress is billed in (1 GB = 2^30 bytes, shown as GiB) for people: three
 * decimals under 1 GiB, one above ("0.030 GiB", "12.5 GiB"), so the figure beside an egress price
 * is the one it was priced on.
 */
export function gibibytes(bytes: number): string {
  return `${(bytes / BYTES_PER_GB).toFixed(bytes < BYTES_PER_GB ? 3 : 1)} GiB`;
}

/**
 * Counts resources applied or destroyed out of the plan's total (from Terraform's `-json`
 * events) and shows the phase and elapsed time: a bar on a TTY, a line per change otherwise.
 */
export class Progress {
  private total = 0;
  private done = 0;
  private phaseStart = Date.now();

  constructor(private readonly sink: ProgressSink, private readonly started = Date.now()) {}

  /** Starts a phase, e.g. `apply (placement 1: 4 x p5.48xlarge in us-east-1)`. */
  public phase(name: string): void {
    this.finishBar();
    this.total = 0;
    this.done = 0;
    this.phaseStart = Date.now();
    this.sink.write(`[${elapsed(Date.now() - this.started)}] ${name}\n`);
  }

  /** Feeds one Terraform event. */
  public event(e: TerraformEvent): void {
    if (e.type === "change_summary" && e.changes && (e.changes.operation === "plan" || this.total === 0)) {
      this.total = e.changes.add + e.changes.change + e.changes.remove;
      this.render();
    } else if (e.type === "apply_complete" || e.type === "apply_errored") {
      this.done++;
      this.render(e.hook?.resource?.addr, e.type === "apply_errored");
    }
  }

  /** A plain message line. */
  public note(text: string): void {
    this.finishBar();
    this.sink.write(`[${elapsed(Date.now() - this.started)}] ${text}\n`);
  }

  /** The counts so far. */
  public get counts(): { done: number; total: number } {
    return { done: this.done, total: this.total };
  }

  private render(addr?: string, failed = false): void {
    const total = Math.max(this.total, this.done);
    if (this.sink.isTTY) {
      const width = 30;
      const filled = total ? Math.round((this.done / total) * width) : 0;
      this.sink.write(`\r  [${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.done}/${total} ${elapsed(Date.now() - this.phaseStart)}`);
    } else if (addr) {
      this.sink.write(`  ${this.done}/${total} ${failed ? "FAILED " : ""}${addr} (${elapsed(Date.now() - this.phaseStart)})\n`);
    }
  }

  private finishBar(): void {
    if (this.sink.isTTY && this.done > 0) this.sink.write("\n");
  }
}
