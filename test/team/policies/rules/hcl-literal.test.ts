/**
 * The reading of `${jsonencode(<HCL literal>)}` (what `Fn.jsonencode` synthesizes): literals are
 * read, any other expression is kept as its template, and what does not parse is undefined.
 */
import { describe, expect, it } from "vitest";
import { jsonencodeArgument } from "../../../../lib/team/policies/rules/hcl-literal";

describe("jsonencodeArgument", () => {
  it.each<[string, string, unknown]>([
    ["an object with = and :, commas and line breaks", '${jsonencode({"Version" = "2012-10-17", Effect: "Allow"\n  Sid = "a"})}', { Version: "2012-10-17", Effect: "Allow", Sid: "a" }],
    ["spaces around the call", "  ${ jsonencode( {a = 1} ) }  ".trim(), { a: 1 }],
    ["spaces before the closing brace", "${jsonencode({a = 1}) }", { a: 1 }],
    ["an empty object and an empty tuple", '${jsonencode({a = {}, b = [], c = [ ]})}', { a: {}, b: [], c: [] }],
    ["a tuple with line breaks and a trailing comma", '${jsonencode(["x",\n "y",\n])}', ["x", "y"]],
    ["numbers", "${jsonencode([0, -1, 2.5, 1e3, 1.5E-2, -7e+1, 12, 1.25, 1e10])}", [0, -1, 2.5, 1000, 0.015, -70, 12, 1.25, 1e10]],
    ["a brace in a string that opens no template", '${jsonencode(["a{b"])}', ["a{b"]],
    ["a directive with quotes of its own", '${jsonencode(["%{if var.x == "a"}y%{endif}"])}', ['%{if var.x == "a"}y%{endif}']],
    ["an expression with a quoted comma", '${jsonencode([var.x == "a,b" ? 1 : 2])}', ['${var.x == "a,b" ? 1 : 2}']],
    ["true, false and null", "${jsonencode([true, false, null])}", [true, false, null]],
    ["escapes in a string", '${jsonencode(["a\\nb\\tc\\rd\\"e\\\\f"])}', ['a\nb\tc\rd"e\\f']],
    ["a template inside a string, with quotes of its own", '${jsonencode({r = "arn:${var.p}:s3:::${lookup(var.m, "k")}/*"})}', { r: 'arn:${var.p}:s3:::${lookup(var.m, "k")}/*' }],
    ["a directive inside a string", '${jsonencode({r = "%{if var.x}a%{endif}"})}', { r: "%{if var.x}a%{endif}" }],
    ["a dollar and a percent that open nothing", '${jsonencode({r = "5$ 10% $x"})}', { r: "5$ 10% $x" }],
    ["expressions kept as templates", '${jsonencode({a = var.act, b = aws_s3_bucket.b.arn , c = [local.x, f(1, [2, 3], {k = "}"})]})}', { a: "${var.act}", b: "${aws_s3_bucket.b.arn}", c: ["${local.x}", '${f(1, [2, 3], {k = "}"})}'] }],
    ["an expression ending at a line break", "${jsonencode({a = var.x\nb = 2})}", { a: "${var.x}", b: 2 }],
    ["words that only start like literals", "${jsonencode([trueish, null_value, false.x, 1.5.x, 12abc])}", ["${trueish}", "${null_value}", "${false.x}", "${1.5.x}", "${12abc}"]],
    ["keys with dashes and underscores", "${jsonencode({_a-b = 1, c_9 = 2})}", { "_a-b": 1, c_9: 2 }],
    ["a value on the next line after =", "${jsonencode({a =\n 1})}", { a: 1 }],
  ])("reads %s", (_what, text, expected) => {
    expect(jsonencodeArgument(text)).toEqual(expected);
  });

  it.each([
    ["not a jsonencode call", '{"a": 1}'],
    ["text before the call", 'x${jsonencode({a = 1})}'],
    ["text after the call", '${jsonencode({a = 1})}x'],
    ["another function", "${yamlencode({a = 1})}"],
    ["a key without =", "${jsonencode({a 1})}"],
    ["a key followed by a number", "${jsonencode({a 12})}"],
    ["a key that is no identifier", "${jsonencode({1 = 1})}"],
    ["an unterminated string", '${jsonencode(["abc])}'],
    ["an unterminated template in a string", '${jsonencode(["${var.x"])}'],
    ["an unclosed bracket in an expression", "${jsonencode([f(1])}"],
    ["an empty value", "${jsonencode({a = })}"],
    ["two values", "${jsonencode({a = 1} {b = 2})}"],
    ["an unclosed object", "${jsonencode({a = 1)}"],
  ])("refuses %s", (_what, text) => {
    expect(jsonencodeArgument(text)).toBeUndefined();
  });
});
