import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { SafeSink } from "../../lib/launch/safe-output";

/** A terminal that goes away: writes throw EIO (as a synchronous pty write does) or report it as an 'error' event. */
class Terminal extends EventEmitter {
  public isTTY = true;
  public written: string[] = [];
  public gone: "throw" | "event" | undefined;
  write(text: string): boolean {
    if (this.gone === "throw") throw Object.assign(new Error("write EIO"), { code: "EIO" });
    if (this.gone === "event") {
      this.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      return false;
    }
    this.written.push(text);
    return true;
  }
}

describe("SafeSink", () => {
  it.each(["throw", "event"] as const)("stops writing, without throwing, once the terminal is gone (%s)", (how) => {
    const terminal = new Terminal();
    const sink = new SafeSink(terminal);
    sink.write("before\n");
    expect(sink.isTTY).toBe(true);
    terminal.gone = how;
    expect(() => sink.write("lost\n")).not.toThrow();
    expect(sink.closed).toBe(true);
    expect(sink.isTTY).toBe(false);
    terminal.gone = undefined;
    sink.write("after\n");
    expect(terminal.written).toEqual(["before\n"]);
  });
});
