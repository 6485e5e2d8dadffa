import { buildASTSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../src/compose';

/** The schema is the product: every public type, field, argument and enum value explains itself. */
describe('supergraph documentation', () => {
  it('has a description on every type, field, argument, input field and enum value', () => {
    const schema = buildASTSchema(parse(composeSupergraph().supergraphSdl));
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      // Federation's own plumbing and GraphQL's built-ins are documented elsewhere.
      if (type.name.startsWith('__') || /^(join__|link__)/.test(type.name) || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
