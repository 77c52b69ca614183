import type { Validator } from "./validate";

/**
 * Terraform reads `${` and `%{` in every string of a configuration as template syntax: an
 * interpolation or a directive, evaluated on the machine that runs `terraform plan` (it can read
 * files, call functions, reach other resources' attributes). A string that came from outside the
 * program and reaches the synthesized JSON must not hold them: that is Terraform expression
 * injection. `$${` and `%%{` are Terraform's escapes (a run of two or more `$` or `%` before `{` is
 * never template syntax; checked against Terraform 1.11: `$$${x}` renders as `$${x}`).
 *
 * The one rule for every construct: boot hooks, a task's image, command, environment, data
 * source, notify address and Azure inputs.
 */
export function hasTemplateSyntax(text: string): boolean {
  return /(^|[^$])\$\{|(^|[^%])%\{/.test(text);
}

/** Why template syntax is refused, for messages. */
export const TEMPLATE_SYNTAX_REASON = "Terraform reads ${ and %{ as template syntax";

/**
 * Throws unless `value` is free of template syntax (see {@link hasTemplateSyntax}); `allowed` says
 * what to write instead. Unresolved values (cdktf tokens: references made in code) are skipped by
 * the Validator, as every rule is.
 */
export function checkNoTemplateSyntax(v: Validator, field: string, value: string, allowed: string): string {
  v.check(!hasTemplateSyntax(value), field, value, allowed);
  return value;
}
