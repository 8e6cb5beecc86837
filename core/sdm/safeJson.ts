/**
 * A hardened JSON reader for request bodies. Unlike `JSON.parse`, it enforces a size and a nesting
 * limit and rejects duplicate keys, which `JSON.parse` would resolve silently to the last one.
 * It also rejects keys that could pollute prototypes, NUL characters and numbers beyond the
 * double range, and reports bidirectional override characters so a person reviews them. Every
 * rejection names the place with a JSON pointer.
 */
import { jsonApiError, toJsonPointer, type JsonApiError } from './errors';

export interface JsonLimits {
  /** Maximum body size in bytes, measured before decoding. */
  maxBytes: number;
  /** Maximum nesting depth of objects and arrays; the top-level value is depth 1. */
  maxDepth: number;
}

/** 5 MiB: SDM documents carry media as links, so real bodies are tens of kilobytes. */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxBytes: 5 * 1024 * 1024, maxDepth: 32 };

/** Keys that would reach `Object.prototype` when code later copies or merges the object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Bidirectional embedding, override and isolate controls, used to make text display differently from its content. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
/** C0 control characters other than tab, line feed and carriage return. */
const OTHER_CONTROL = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export interface CharacterWarning {
  pointer: string;
  detail: string;
}

export type JsonReadResult =
  | { ok: true; value: unknown; characterWarnings: CharacterWarning[] }
  | { ok: false; status: 400 | 413 | 422; errors: JsonApiError[] };

class JsonReadError extends Error {
  constructor(readonly status: 400 | 422, readonly error: JsonApiError) {
    super(error.detail);
  }
}

/** Reads a request body as JSON within the limits. Invalid input comes back as errors, not exceptions. */
export function readJsonBody(body: string | Buffer, limits: JsonLimits = DEFAULT_JSON_LIMITS): JsonReadResult {
  const byteLength = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (byteLength > limits.maxBytes) {
    return {
      ok: false,
      status: 413,
      errors: [
        jsonApiError(
          413,
          'body-too-large',
          'Body too large',
          `The body is ${byteLength} bytes; the limit is ${limits.maxBytes} bytes. Send media as links, not inline.`,
          { meta: { bytes: byteLength, maxBytes: limits.maxBytes } },
        ),
      ],
    };
  }

  const decoded = typeof body === 'string' ? { text: body.replace(/^\uFEFF/, '') } : decodeBuffer(body);
  if ('error' in decoded) return { ok: false, status: 400, errors: [decoded.error] };

  if (decoded.text.trim() === '') {
    return {
      ok: false,
      status: 400,
      errors: [jsonApiError(400, 'empty-body', 'Empty body', 'The request body is empty; send the SDM document as JSON.')],
    };
  }

  const parser = new StrictJsonParser(decoded.text, limits.maxDepth);
  try {
    const value = parser.parseDocument();
    return { ok: true, value, characterWarnings: parser.characterWarnings };
  } catch (error) {
    if (error instanceof JsonReadError) return { ok: false, status: error.status, errors: [error.error] };
    throw error;
  }
}

/**
 * Decodes a body by its byte-order mark: UTF-8 (with or without), UTF-16 LE or BE. JSON text
 * starts with an ASCII character, so a NUL in the first two bytes marks UTF-16 without a mark.
 */
export function decodeBuffer(body: Buffer): { text: string } | { error: JsonApiError } {
  try {
    if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) {
      return { text: new TextDecoder('utf-16le', { fatal: true }).decode(body.subarray(2)) };
    }
    if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) {
      return { text: new TextDecoder('utf-16be', { fatal: true }).decode(body.subarray(2)) };
    }
    if (body.length >= 2 && body.length % 2 === 0 && body[0] !== 0 && body[1] === 0) {
      return { text: new TextDecoder('utf-16le', { fatal: true }).decode(body) };
    }
    if (body.length >= 2 && body.length % 2 === 0 && body[0] === 0 && body[1] !== 0) {
      return { text: new TextDecoder('utf-16be', { fatal: true }).decode(body) };
    }
    const withoutBom = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(withoutBom) };
  } catch {
    return {
      error: jsonApiError(
        400,
        'invalid-encoding',
        'Invalid text encoding',
        'The body is not valid UTF-8 or UTF-16 text; send the document as UTF-8 JSON.',
      ),
    };
  }
}

/** Recursive-descent parser for RFC 8259 JSON. Recursion is bounded by `maxDepth`. */
class StrictJsonParser {
  readonly characterWarnings: CharacterWarning[] = [];
  private index = 0;
  private readonly path: Array<string | number> = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue(1);
    this.skipWhitespace();
    if (this.index < this.text.length) this.fail('unexpected content after the JSON value');
    return value;
  }

  private parseValue(depth: number): unknown {
    const char = this.text[this.index];
    if (char === '{') return this.parseObject(depth);
    if (char === '[') return this.parseArray(depth);
    if (char === '"') return this.parseString(false);
    if (char === '-' || (char >= '0' && char <= '9')) return this.parseNumber();
    if (this.text.startsWith('true', this.index)) return this.literal(4, true);
    if (this.text.startsWith('false', this.index)) return this.literal(5, false);
    if (this.text.startsWith('null', this.index)) return this.literal(4, null);
    return this.fail(char === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(char)}`);
  }

  private literal<T>(length: number, value: T): T {
    this.index += length;
    return value;
  }

  private checkDepth(depth: number): void {
    if (depth <= this.maxDepth) return;
    const pointer = toJsonPointer(this.path);
    throw new JsonReadError(
      422,
      jsonApiError(
        422,
        'too-deeply-nested',
        'Document nested too deeply',
        `The value at ${pointer || '/'} is nested ${depth} levels deep; the limit is ${this.maxDepth}.`,
        { pointer, meta: { maxDepth: this.maxDepth } },
      ),
    );
  }

  private parseObject(depth: number): Record<string, unknown> {
    this.checkDepth(depth);
    this.index++;
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.skipWhitespace();
    if (this.text[this.index] === '}') {
      this.index++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.index] !== '"') this.fail('expected a property name in double quotes');
      const key = this.parseString(true);
      this.path.push(key);
      if (FORBIDDEN_KEYS.has(key)) this.reject('forbidden-key', 'Forbidden property name', `The property name "${key}" is not allowed.`);
      if (seen.has(key)) this.reject('duplicate-key', 'Duplicate property', `The property "${key}" appears more than once in the same object.`);
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.index] !== ':') this.fail('expected ":" after a property name');
      this.index++;
      this.skipWhitespace();
      result[key] = this.parseValue(depth + 1);
      this.path.pop();
      this.skipWhitespace();
      const next = this.text[this.index++];
      if (next === '}') return result;
      if (next !== ',') this.fail('expected "," or "}" in an object', -1);
    }
  }

  private parseArray(depth: number): unknown[] {
    this.checkDepth(depth);
    this.index++;
    const result: unknown[] = [];
    this.skipWhitespace();
    if (this.text[this.index] === ']') {
      this.index++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      this.path.push(result.length);
      result.push(this.parseValue(depth + 1));
      this.path.pop();
      this.skipWhitespace();
      const next = this.text[this.index++];
      if (next === ']') return result;
      if (next !== ',') this.fail('expected "," or "]" in an array', -1);
    }
  }

  private parseString(isKey: boolean): string {
    const start = ++this.index;
    let result = '';
    let chunkStart = start;
    for (;;) {
      const code = this.text.charCodeAt(this.index);
      if (Number.isNaN(code)) this.fail('unterminated string');
      if (code === 0x22) break;
      if (code < 0x20) this.fail('control character inside a string; escape it');
      if (code === 0x5c) {
        result += this.text.slice(chunkStart, this.index);
        result += this.parseEscape();
        chunkStart = this.index;
        continue;
      }
      this.index++;
    }
    result += this.text.slice(chunkStart, this.index);
    this.index++;
    this.checkCharacters(result, isKey);
    return result;
  }

  private parseEscape(): string {
    const escape = this.text[this.index + 1];
    this.index += 2;
    switch (escape) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.text.slice(this.index, this.index + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
        this.index += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        return this.fail('invalid escape sequence', -2);
    }
  }

  /** NUL is rejected because PostgreSQL text cannot store it; bidi and other controls are kept and reported. */
  private checkCharacters(value: string, isKey: boolean): void {
    if (value.includes('\u0000')) {
      const pointer = toJsonPointer(this.path);
      this.reject(
        'invalid-character',
        'NUL character',
        `${isKey ? 'A property name' : 'The value'} at ${pointer || '/'} contains a NUL character (U+0000); remove it and send again.`,
      );
    }
    if (BIDI_CONTROL.test(value)) {
      this.characterWarnings.push({
        pointer: toJsonPointer(this.path),
        detail: `${isKey ? 'A property name' : 'The text'} contains bidirectional override characters that can make it display differently from what it contains.`,
      });
    } else if (OTHER_CONTROL.test(value)) {
      this.characterWarnings.push({ pointer: toJsonPointer(this.path), detail: 'The text contains control characters.' });
    }
  }

  private parseNumber(): number {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.index, this.index + 400));
    if (!match) return this.fail('invalid number');
    this.index += match[0].length;
    const value = Number(match[0]);
    // JSON.parse would turn 1e999 into Infinity, which JSON cannot carry on, so it would become null downstream.
    if (!Number.isFinite(value)) {
      this.reject('number-out-of-range', 'Number out of range', `The number ${match[0].slice(0, 40)} is too large to store; send it as text or correct it.`);
    }
    return value;
  }

  private skipWhitespace(): void {
    while (this.index < this.text.length) {
      const char = this.text[this.index];
      if (char !== ' ' && char !== '\n' && char !== '\r' && char !== '\t') return;
      this.index++;
    }
  }

  private reject(code: string, title: string, detail: string): never {
    const pointer = toJsonPointer(this.path);
    throw new JsonReadError(422, jsonApiError(422, code, title, detail, { pointer }));
  }

  private fail(reason: string, offsetAdjust = 0): never {
    const offset = Math.max(0, this.index + offsetAdjust);
    const before = this.text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new JsonReadError(
      400,
      jsonApiError(400, 'invalid-json', 'Invalid JSON', `The body is not valid JSON: ${reason} at line ${line}, column ${column}.`, {
        meta: { line, column, offset },
      }),
    );
  }
}
