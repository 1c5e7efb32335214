import { createPubSub } from '@graphql-yoga/subscription';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';
import { buildPulseSchema } from '../../../src/graphql/build-schema';
import type { Services } from '../../../src/services';

/** Every type, field, argument and enum value of the schema that lacks a description. */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) {
      continue;
    }
    if (!type.description) {
      missing.push(type.name);
    }
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) {
          missing.push(`${type.name}.${field.name}`);
        }
        for (const arg of 'args' in field ? field.args : []) {
          if (!arg.description) {
            missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) {
        if (!value.description) {
          missing.push(`${type.name}.${value.name}`);
        }
      }
    }
  }

  return missing;
}

describe('schema', () => {
  it('describes every type, field, argument and enum value', async () => {
    const schema = await buildPulseSchema({} as Services, createPubSub());
    expect(undescribed(schema)).toEqual([]);
  });
});
