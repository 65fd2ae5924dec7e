import { type ParseErrorCode, printParseErrorCode, visit } from "jsonc-parser";

/** Where JSON text first breaks the grammar, 1-based, and what is wrong there. */
export type JsonSyntaxErrorLocation = {
  /** UTF-16 offset into the text (text.length: the input ended too early). */
  offset: number;
  line: number;
  column: number;
  /** `unexpected "x"` or `unexpected end of input`, then what the grammar wanted, in brackets. */
  reason: string;
};

// V8 (Node 22) puts the position in most JSON.parse messages, e.g. "Bad escaped character in JSON at
// position 7 (line 1 column 8)", but not in its "Unexpected token '}', "…" is not valid JSON" nor in
// "Unexpected end of JSON input" (nodejs/node deps/v8/src/json/json-parser.cc,
// LookUpErrorMessageForJsonToken; the messages are listed in deps/v8/test/mjsunit/messages.js).
// "… after JSON at position 9 (line 2 column 1)" says it without the "in JSON".
const V8_POSITION =
  /^(?<what>.+?)(?: in JSON)? at position (?<offset>\d+) \(line (?<line>\d+) column (?<column>\d+)\)$/;

const MAX_QUOTED = 24;

function unexpected(text: string, offset: number, length = 1): string {
  if (offset >= text.length) return "unexpected end of input";
  return `unexpected ${JSON.stringify(text.slice(offset, offset + Math.min(Math.max(length, 1), MAX_QUOTED)))}`;
}

/** "CloseBracketExpected" → "close bracket expected". */
function words(code: ParseErrorCode): string {
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

class FirstError {
  constructor(
    readonly code: ParseErrorCode,
    readonly offset: number,
    readonly length: number,
    readonly line: number,
    readonly character: number,
  ) {}
}

/**
 * Locates the first syntax error of text that JSON.parse rejected with `error`. V8's own position
 * is taken where its message gives one; otherwise jsonc-parser (the parser behind VS Code's JSON
 * support, in strict mode: no comments, no trailing commas) finds the offending token. Undefined
 * when neither can say (JSON.parse failed for another reason).
 */
export function locateJsonSyntaxError(text: string, error: unknown): JsonSyntaxErrorLocation | undefined {
  const v8 = error instanceof SyntaxError ? V8_POSITION.exec(error.message)?.groups : undefined;
  if (v8) {
    const offset = Number(v8.offset);
    // "Unexpected number" / "Unexpected non-whitespace character after JSON": the prefix says "unexpected" already.
    const what = (v8.what ?? "").replace(/^unexpected /i, "").replace(/^./, (first) => first.toLowerCase());
    return {
      offset,
      line: Number(v8.line),
      column: Number(v8.column),
      reason: `${unexpected(text, offset)} (${what})`,
    };
  }
  try {
    visit(
      text,
      {
        // The first error is the one to report; stop the walk there rather than read a large file to its end.
        onError: (code, offset, length, line, character) => {
          throw new FirstError(code, offset, length, line, character);
        },
      },
      { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
    );
  } catch (first) {
    if (!(first instanceof FirstError)) throw first;
    return {
      offset: first.offset,
      line: first.line + 1,
      column: first.character + 1,
      reason: `${unexpected(text, first.offset, first.length)} (${words(first.code)})`,
    };
  }
  return undefined;
}
