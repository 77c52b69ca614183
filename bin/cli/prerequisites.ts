import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/** Where `binary` would run from: itself when it is a path, else the first executable of that name on `env.PATH`. */
export function findExecutable(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = binary.includes("/") || isAbsolute(binary) ? [binary] : (env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, binary));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Throws, in one line, what to install when `binary` (terraform or tofu) is not there. `switchHint`
 * says how this command is told to use the other one.
 */
export function requireTerraform(binary: string, env: NodeJS.ProcessEnv, why: string, switchHint: { tofu: string; terraform: string }): void {
  if (findExecutable(binary, env)) return;
  const where = binary.includes("/") ? `${binary} is not an executable file` : `${binary} is not on the PATH`;
  const install = /(^|\/)tofu$/.test(binary)
    ? `install OpenTofu (https://opentofu.org/docs/intro/install/) or Terraform 1.5 or later (then ${switchHint.terraform})`
    : `install Terraform 1.5 or later (https://developer.hashicorp.com/terraform/install) or OpenTofu (then ${switchHint.tofu})`;
  throw new Error(`${where}: ${install}; ${why}`);
}
