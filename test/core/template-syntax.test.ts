import { describe, expect, it } from "vitest";
import { checkNoTemplateSyntax, hasTemplateSyntax } from "../../lib/core/template-syntax";
import { Validator } from "../../lib/core/validate";
import { validationErrorOf } from "../helpers";

describe("hasTemplateSyntax: what Terraform reads as an interpolation or a directive", () => {
  it.each(["${var.x}", "a${x}b", "s3://b/${file(\"/etc/passwd\")}/", "%{ if true }x%{ endif }", "x%{for a in b}"])("%j is template syntax", (text) => {
    expect(hasTemplateSyntax(text)).toBe(true);
  });
  // Terraform 1.11 renders "$$${x}" as "$${x}": a run of two or more $ (or %) before { is an escape
  it.each(["$${x}", "$$${x}", "%%{ if }", "$HOME", "{x}", "$ {x}", "% {x}", "100%", "a$", ""])("%j is not", (text) => {
    expect(hasTemplateSyntax(text)).toBe(false);
  });
});

describe("checkNoTemplateSyntax", () => {
  const v = new Validator("s/c", { isUnresolved: (x) => typeof x === "string" && x.includes("${TfToken[") });
  it("throws the caller's message for template syntax", () => {
    expect(validationErrorOf(() => checkNoTemplateSyntax(v, "f", "${x}", "use text"))).toBe('s/c: f "${x}" is not valid: use text');
  });
  it("returns plain text and escapes, and skips references made in code", () => {
    expect(checkNoTemplateSyntax(v, "f", "$${x}", "use text")).toBe("$${x}");
    expect(checkNoTemplateSyntax(v, "f", "${TfToken[TOKEN.1]}", "use text")).toBe("${TfToken[TOKEN.1]}");
  });
});
