import { ValidationError } from '../errors';
import { idempotencyKey } from './idempotency';

const keyOf = (value?: string) => {
  try {
    return idempotencyKey(value === undefined ? {} : { 'idempotency-key': value });
  } catch (error) {
    return `400: ${(error as ValidationError).issues.map((issue) => `${issue.field} ${issue.message}`).join('; ')}`;
  }
};

describe('idempotencyKey', () => {
  it('is absent without the header, and in an event without headers', () => {
    expect(keyOf()).toBeUndefined();
    expect(idempotencyKey(undefined)).toBeUndefined();
  });

  it('reads a Structured Field string, as the draft writes it, and the same characters unquoted', () => {
    expect(keyOf('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(keyOf('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(keyOf('"with \\"escapes\\" and \\\\"')).toBe('with "escapes" and \\');
    expect(keyOf('  spaced  ')).toBe('spaced');
  });

  it('accepts 255 characters and refuses 256 with 400', () => {
    expect(keyOf('k'.repeat(255))).toBe('k'.repeat(255));
    expect(keyOf('k'.repeat(256))).toBe('400: Idempotency-Key must be at most 255 characters');
    expect(keyOf(`"${'k'.repeat(256)}"`)).toBe('400: Idempotency-Key must be at most 255 characters');
  });

  it('refuses an empty key and one that is not printable ASCII with 400', () => {
    expect(keyOf('')).toBe('400: Idempotency-Key must not be empty');
    expect(keyOf('""')).toBe('400: Idempotency-Key must not be empty');
    expect(keyOf('   ')).toBe('400: Idempotency-Key must not be empty');
    expect(keyOf('clé')).toBe('400: Idempotency-Key must be printable ASCII');
    expect(keyOf('a\tb')).toBe('400: Idempotency-Key must be printable ASCII');
  });
});

describe('idempotencyKey: quotes', () => {
  it('unquotes only a value that starts and ends with a quote; other quotes are part of the key', () => {
    expect(keyOf('x"abc"')).toBe('x"abc"');
    expect(keyOf('"abc"x')).toBe('"abc"x');
    expect(keyOf('"a"b"')).toBe('"a"b"');
  });
});
