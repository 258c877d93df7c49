import { Type, type TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { Input, Name } from '../../src/http/schemas.js';
import { toFieldMessages } from '../../src/http/validation-messages.js';

// The options the app validates bodies with (src/http/validators.ts): every error, the value kept.
const ajv = new Ajv({ allErrors: true, verbose: true, coerceTypes: false, useDefaults: true });

/** Ajv's real errors for `value`, turned into field messages. */
function messagesFor(schema: TSchema, value: unknown) {
  const validate = ajv.compile(schema);
  expect(validate(value), JSON.stringify(value)).toBe(false);
  return toFieldMessages(validate.errors as ErrorObject[]);
}

const ItemCreate = Input({ name: Name, price: Type.Number(), store_id: Type.Integer({ minimum: 1 }) });

const HeroCreate = Input({
  name: Type.String(),
  age: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  teams: Type.Optional(Type.Array(Input({ team_id: Type.Integer(), is_training: Type.Optional(Type.Boolean()) }), { maxItems: 3 })),
});

describe('toFieldMessages (marshmallow words, flask-smorest shape)', () => {
  it('names each missing required field', () => {
    expect(messagesFor(ItemCreate, {})).toEqual({
      name: ['Missing data for required field.'],
      price: ['Missing data for required field.'],
      store_id: ['Missing data for required field.'],
    });
    expect(messagesFor(ItemCreate, { name: 'x', price: 1 })).toEqual({
      store_id: ['Missing data for required field.'],
    });
  });

  it('says "Unknown field." for each field the schema does not accept', () => {
    expect(messagesFor(ItemCreate, { id: 3, name: 'x', price: 1, store_id: 1, tags: [] })).toEqual({
      id: ['Unknown field.'],
      tags: ['Unknown field.'],
    });
  });

  it('reports unknown and missing fields together', () => {
    expect(messagesFor(ItemCreate, { name: 'x', price: 1, store: 1 })).toEqual({
      store: ['Unknown field.'],
      store_id: ['Missing data for required field.'],
    });
  });

  it('names the expected type of a value of the wrong type', () => {
    expect(messagesFor(ItemCreate, { name: 5, price: 'cheap', store_id: 1.5 })).toEqual({
      name: ['Not a valid string.'],
      price: ['Not a valid number.'],
      store_id: ['Not a valid integer.'],
    });
    expect(messagesFor(ItemCreate, { name: { first: 'x' }, price: true, store_id: '1' })).toEqual({
      name: ['Not a valid string.'],
      price: ['Not a valid number.'],
      store_id: ['Not a valid integer.'],
    });
    expect(messagesFor(HeroCreate, { name: 'x', teams: 'z-force' })).toEqual({ teams: ['Not a valid list.'] });
    expect(messagesFor(HeroCreate, { name: 'x', teams: [{ team_id: 1, is_training: 'yes' }] })).toEqual({
      teams: { '0': { is_training: ['Not a valid boolean.'] } },
    });
  });

  it('says "Field may not be null." for null where a value is required', () => {
    expect(messagesFor(ItemCreate, { name: null, price: null, store_id: 1 })).toEqual({
      name: ['Field may not be null.'],
      price: ['Field may not be null.'],
    });
  });

  it('gives a nullable field of the wrong type only its type message', () => {
    expect(messagesFor(HeroCreate, { name: 'x', age: 'old' })).toEqual({ age: ['Not a valid integer.'] });
    expect(messagesFor(HeroCreate, { name: 'x', age: -1 })).toEqual({ age: ['Must be greater than or equal to 0.'] });
    const validate = ajv.compile(HeroCreate);
    expect(validate({ name: 'x', age: null })).toBe(true);

    const Owner = Type.Object({ owner: Type.Union([Input({ id: Type.Integer() }), Type.Null()]) });
    expect(messagesFor(Owner, { owner: 'me' })).toEqual({ owner: ['Invalid input type.'] });
    expect(messagesFor(Owner, { owner: { id: 'me' } })).toEqual({ owner: { id: ['Not a valid integer.'] } });
    // A field that may only be null still says why it was refused.
    expect(messagesFor(Type.Object({ nothing: Type.Null() }), { nothing: 1 })).toEqual({ nothing: ['Invalid value.'] });
  });

  it('describes lengths and ranges as marshmallow does', () => {
    expect(messagesFor(ItemCreate, { name: '', price: 1, store_id: 0 })).toEqual({
      name: ['Length must be between 1 and 80.'],
      store_id: ['Must be greater than or equal to 1.'],
    });
    expect(messagesFor(ItemCreate, { name: 'x'.repeat(81), price: 1, store_id: 1 })).toEqual({
      name: ['Length must be between 1 and 80.'],
    });
    expect(messagesFor(HeroCreate, { name: 'x', teams: [{ team_id: 1 }, { team_id: 2 }, { team_id: 3 }, { team_id: 4 }] })).toEqual({
      teams: ['Longer than maximum length 3.'],
    });
  });

  it('nests messages for nested fields by path, list positions as keys', () => {
    expect(messagesFor(HeroCreate, { name: 'x', teams: [{ team_id: 1 }, {}] })).toEqual({
      teams: { '1': { team_id: ['Missing data for required field.'] } },
    });
    expect(
      messagesFor(HeroCreate, {
        name: 'x',
        teams: [{ team_id: 'one' }, { team_id: 2, captain: true }, { team_id: null }],
      }),
    ).toEqual({
      teams: {
        '0': { team_id: ['Not a valid integer.'] },
        '1': { captain: ['Unknown field.'] },
        '2': { team_id: ['Field may not be null.'] },
      },
    });
  });

  it('keeps top-level and nested messages side by side', () => {
    expect(messagesFor(HeroCreate, { teams: [{}], power: 9 })).toEqual({
      name: ['Missing data for required field.'],
      power: ['Unknown field.'],
      teams: { '0': { team_id: ['Missing data for required field.'] } },
    });
  });

  it('puts an error about the whole value under _schema', () => {
    for (const value of [[], [{ name: 'x' }], 'x', 42, true]) {
      expect(messagesFor(ItemCreate, value), JSON.stringify(value)).toEqual({ _schema: ['Invalid input type.'] });
    }
    expect(messagesFor(ItemCreate, null)).toEqual({ _schema: ['Invalid input type.'] });
  });

  it('decodes JSON-pointer escapes in field names', () => {
    const schema = Type.Object({ 'a/b': Type.String(), 'c~d': Type.String() });
    expect(messagesFor(schema, { 'a/b': 1, 'c~d': 2 })).toEqual({
      'a/b': ['Not a valid string.'],
      'c~d': ['Not a valid string.'],
    });
  });

  it('names a field called __proto__ like any other', () => {
    const unknown = messagesFor(
      Type.Object({ name: Type.String() }, { additionalProperties: false }),
      JSON.parse('{"__proto__": 1, "name": "x"}'),
    );
    expect(Object.entries(unknown)).toEqual([['__proto__', ['Unknown field.']]]);
    expect(JSON.parse(JSON.stringify(unknown))).toEqual(JSON.parse('{"__proto__": ["Unknown field."]}'));
  });

  it('says why text with a NUL character or an unpaired surrogate is refused', () => {
    for (const name of ['a\u0000b', 'a\ud800', '\udfffz']) {
      expect(messagesFor(ItemCreate, { name, price: 1, store_id: 1 }), JSON.stringify(name)).toEqual({
        name: ['Must not contain NUL characters or unpaired surrogates.'],
      });
    }
    expect(ajv.compile(ItemCreate)({ name: 'emoji 😀 ok', price: 1, store_id: 1 })).toBe(true);
  });

  it('lists each message once', () => {
    const errors = ajv.compile(ItemCreate);
    errors({ name: 1, price: 1, store_id: 1 });
    const twice = [...(errors.errors as ErrorObject[]), ...(errors.errors as ErrorObject[])];
    expect(toFieldMessages(twice)).toEqual({ name: ['Not a valid string.'] });
  });
});
