import type { TerraformEvent } from "./terraform";

/**
 * What an apply is creating, from Terraform's events: the first creation (from then on the
 * attempt's state exists, so a missing one is unknown) and the resources started and not yet
 * finished. When Terraform is killed (an out-of-memory kill, a SIGKILL from outside), those were
 * being created by the cloud's API and are in no state: they may run and bill outside it.
 */
export class CreationTracker {
  private readonly started = new Set<string>();
  private begun = false;

  /** `onFirst` is told once, when the first resource starts being created. */
  constructor(private readonly onFirst: () => void) {}

  /** Takes one of the apply's events. */
  public event(e: TerraformEvent): void {
    const addr = e.hook?.resource?.addr;
    // Only creations: a data source's read and a deletion leave nothing behind (a replacement is a delete and a create).
    if (e.type === "apply_start" && e.hook?.action === "create") {
      if (!this.begun) {
        this.begun = true;
        this.onFirst();
      }
      if (addr !== undefined) this.started.add(addr);
    } else if ((e.type === "apply_complete" || e.type === "apply_errored") && addr !== undefined) {
      this.started.delete(addr);
    }
  }

  /** The resources whose creation started and has not finished, in the order they started. */
  public get inFlight(): string[] {
    return [...this.started];
  }
}

/** An attempt whose Terraform was killed while creating `resources`. */
export interface KilledAttempt {
  readonly n: number;
  readonly placementKey?: string;
  readonly signal: string;
  readonly resources: readonly string[];
}

/** The loud report of resources a killed Terraform was creating: they may exist outside every state. */
export function outsideStateReport(runId: string, killed: readonly KilledAttempt[]): string {
  const bar = "!".repeat(78);
  const lines = ["", bar, "!!! TERRAFORM WAS KILLED while creating these resources: they may exist in the cloud outside any state,"];
  lines.push("!!! running and billing, and hgpu cannot find or remove them. Look for them (by name and tags) and delete them:");
  for (const k of killed) {
    lines.push(`!!! attempt ${k.n} (${k.placementKey ?? "?"}; terraform ended by ${k.signal}):`);
    lines.push(...k.resources.map((r) => `!!!   ${r}`));
  }
  lines.push(`!!! (run ${runId}; launch.json keeps this list under killedWhileCreating)`, bar, "");
  return lines.join("\n");
}
