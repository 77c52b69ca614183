import { Token } from "../engine/core";
import { findSecretShape, namesASecret, redact } from "../core/secret-shapes";
import { hasTemplateSyntax, TEMPLATE_SYNTAX_REASON } from "../core/template-syntax";
import type { GpuCloud } from "../core/types";
import { AZURE_CONTAINER, AZURE_STORAGE_ACCOUNT, isS3BucketName, type Validator } from "../core/validate";

/**
 * Checks of the text a task writes into Terraform strings (the user data, resource arguments):
 * no template syntax (Terraform expression injection), no line breaks where a line is a unit, no
 * literal secrets (they would sit in the plan, the user data and the state).
 */

/** Where a literal secret ends up, for messages. */
const WHERE_LITERALS_GO = "lands in the plan, the user data and the state";
const BY_REFERENCE = (name: string) => `pass it by reference, secrets: { ${name}: "ssm:/<path>" } (or secretsmanager:<ARN>, keyvault:<vault>/<secret>), read by the nodes at boot`;

/** A value for a message: cdktf's token markers shown as `<reference>`. */
export function shown(value: string): string {
  return value.replace(/\$\{TfToken\[[^\]]*\]\}/g, "<reference>");
}

/** Text written into the run script: one line, no template syntax. */
export function checkText(v: Validator, field: string, text: string): void {
  v.check(typeof text === "string" && !hasTemplateSyntax(text) && !/[\n\r]/.test(text), field, text, `use text without line breaks, and without \${ or %{ (${TEMPLATE_SYNTAX_REASON}; escape them as $\${ and %%{)`);
}

/**
 * An environment variable whose value is a secret: a literal by its shape, or any value (a
 * Terraform reference too: its value is resolved into the user data) by its name.
 */
export function checkEnvNotSecret(v: Validator, name: string, value: string): void {
  if (typeof value !== "string") return;
  if (Token.isUnresolved(value)) {
    if (namesASecret(name, value)) v.fail(`env.${name}`, shown(value), `its name says it holds a secret, and a Terraform reference's value is written into the user data and the state: ${BY_REFERENCE(name)}`);
    return;
  }
  const shape = findSecretShape(value);
  if (shape) v.fail(`env.${name}`, redact(value), `a literal that looks like ${shape.kind} ${WHERE_LITERALS_GO}: ${BY_REFERENCE(name)}`);
  if (namesASecret(name, value)) v.fail(`env.${name}`, redact(value), `its name says it holds a secret, and a literal ${WHERE_LITERALS_GO}: ${BY_REFERENCE(name)}`);
}

/** A command argument that is a secret by its shape. */
export function checkArgNotSecret(v: Validator, field: string, arg: string): void {
  if (typeof arg !== "string" || Token.isUnresolved(arg)) return;
  const shape = findSecretShape(arg);
  if (shape) v.fail(field, redact(arg), `a literal that looks like ${shape.kind} ${WHERE_LITERALS_GO}: ${BY_REFERENCE("NAME")}, and have the workload read it from its environment`);
}

/** The parts of a Blob `dataSource`, `https://<account>.blob.core.windows.net/<container>[/<prefix>]`. */
export interface BlobSource {
  readonly account: string;
  readonly container: string;
  /** The prefix without a trailing slash, `/` for the whole container. */
  readonly prefix: string;
}

/** The parts of a Blob URI whose account and container names are valid, or undefined. */
export function blobSource(uri: string): BlobSource | undefined {
  const m = /^https:\/\/([^./]+)\.blob\.core\.windows\.net\/([^/]+)(\/.*)?$/.exec(uri);
  if (!m || !AZURE_STORAGE_ACCOUNT.test(m[1]!) || !AZURE_CONTAINER.test(m[2]!)) return undefined;
  return { account: m[1]!, container: m[2]!, prefix: (m[3] ?? "/").replace(/\/+$/, "") || "/" };
}

/** The cloud of a task's `dataSource`: an S3 URI or a Blob URI ({@link blobSource}), without template syntax or a query. */
export function sourceCloud(v: Validator, uri: string): GpuCloud {
  v.check(!hasTemplateSyntax(uri), "dataSource", uri, `use a URI without \${ or %{ (${TEMPLATE_SYNTAX_REASON})`);
  v.check(!/[?#]/.test(uri), "dataSource", uri.includes("?") ? `${uri.slice(0, uri.indexOf("?"))}?...` : uri, "use a URI without a query or fragment: the file system reads the data with its own role, never a signed URL (a SAS token in it would sit in the plan and the state)");
  const s3 = /^s3:\/\/([^/]+)(\/.*)?$/.exec(uri);
  if (s3 && isS3BucketName(s3[1]!)) return "aws";
  if (blobSource(uri)) return "azure";
  return v.fail("dataSource", uri, "use s3://bucket/prefix/ or https://<account>.blob.core.windows.net/<container>/<prefix>");
}

/** An Azure input given as text (an ID): a literal without template syntax, or a Terraform reference. */
export function checkAzureInput(v: Validator, field: string, value: string | undefined, what: string): void {
  if (value === undefined) return;
  v.check(typeof value === "string" && !hasTemplateSyntax(value), field, value, `use ${what} or a Terraform reference made in code, not \${ or %{ written as text (${TEMPLATE_SYNTAX_REASON})`);
}
