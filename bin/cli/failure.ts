/**
 * A failure `hgpu` has already put into words: one or more one-line messages (each printed with
 * the command's prefix, no stack trace) and the exit code.
 */
export class CliFailure extends Error {
  constructor(public readonly messages: readonly string[], public readonly exitCode = 1) {
    super(messages.join("\n"));
  }
}

/** `hgpu <command>: <message>`, once: a message that already starts with an `hgpu` prefix loses it. */
export function prefixed(command: string | undefined, message: string): string {
  return `hgpu${command ? ` ${command}` : ""}: ${message.replace(/^hgpu(?: [a-z]+)?: /, "")}`;
}
