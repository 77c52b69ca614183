/**
 * The cloud SDKs the launcher reads run status and logs with are optional dependencies of the
 * package: loaded on first use, and when one is not installed the error says which package to add
 * and why, instead of Node's "Cannot find package".
 */

/** What a status reader needs of an Azure token credential; `@azure/core-auth`'s `TokenCredential` (e.g. `DefaultAzureCredential`) is one. */
export interface AzureTokenCredential {
  getToken(scopes: string | string[], options?: object): Promise<{ token: string; expiresOnTimestamp: number } | null>;
}

/** Whether `e` is Node's "module not found" for package `pkg` (from `import()` or `require()`). */
export function isMissingPackage(e: unknown, pkg: string): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && typeof message === "string" && message.includes(`'${pkg}`);
}

/** Loads optional package `pkg` through `load`; a missing package becomes an error saying what `purpose` needs and how to install it. */
export async function loadOptional<T>(load: () => Promise<T>, pkg: string, purpose: string): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isMissingPackage(e, pkg)) throw new Error(`${purpose} needs ${pkg}, an optional dependency of cdktf-hybrid-gpu that is not installed: npm install ${pkg}`, { cause: e });
    throw e;
  }
}
