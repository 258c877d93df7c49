import { describe, expect, it, vi } from 'vitest';
import { lazySerializer, lazyValidator, type Validate } from '../../src/http/lazy-compile.js';

describe('lazyValidator', () => {
  it('compiles on the first call only, and shows each call its own errors, as Fastify reads them', () => {
    const positive: Validate = (data) => {
      const ok = typeof data === 'number' && data > 0;
      positive.errors = ok ? null : [{ message: 'must be positive' }];
      return ok;
    };
    const compile = vi.fn(() => positive);
    const validate = lazyValidator(compile);
    expect(compile).not.toHaveBeenCalled();

    expect(validate(-1)).toBe(false);
    expect(validate.errors).toEqual([{ message: 'must be positive' }]);
    expect(validate(1)).toBe(true);
    expect(validate.errors).toBeNull();
    expect(compile).toHaveBeenCalledTimes(1);
  });
});

describe('lazySerializer', () => {
  it('compiles on the first call only', () => {
    const compile = vi.fn(() => (data: unknown) => JSON.stringify(data));
    const serialize = lazySerializer(compile);
    expect(compile).not.toHaveBeenCalled();
    expect(serialize({ id: 1 })).toBe('{"id":1}');
    expect(serialize([2])).toBe('[2]');
    expect(compile).toHaveBeenCalledTimes(1);
  });
});
