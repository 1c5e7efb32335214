import type { GraphQLSchema } from 'graphql';
import { getMetadataStorage, type ResolverData } from 'type-graphql';
import { validateArgument } from './validate';

// type-graphql validates a subscription's arguments only where each event is resolved, never
// when the client subscribes: a subscription with arguments its class refuses (no customer to
// follow, 101 KPI ids) was accepted, then never sent anything or sent every event as an error.
// This checks them when the subscription starts, as every query and mutation checks its own.

/** `value` as an instance of its @ArgsType/@InputType class, nested inputs included. */
function toInstance(target: unknown, value: unknown): unknown {
  if (typeof target !== 'function' || value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => toInstance(target, item));
  }
  const storage = getMetadataStorage();
  const type =
    storage.inputTypes.find((candidate) => candidate.target === target) ??
    storage.argumentTypes.find((candidate) => candidate.target === target);
  if (!type) {
    return value;
  }
  const instance = Object.create(target.prototype as object) as Record<string, unknown>;
  for (const [name, inner] of Object.entries(value)) {
    const field = (type.fields ?? []).find((candidate) => candidate.schemaName === name);
    instance[field?.name ?? name] = field ? toInstance(field.getType(), inner) : inner;
  }

  return instance;
}

/** Makes every subscription of `schema` validate its arguments when it is subscribed to. */
export function validateSubscriptionArguments(schema: GraphQLSchema): void {
  const fields = schema.getSubscriptionType()?.getFields() ?? {};
  for (const handler of getMetadataStorage().subscriptions) {
    const field = fields[handler.schemaName];
    const subscribe = field?.subscribe;
    const params = (handler.params ?? []).filter(
      (param) => param.kind === 'args' || param.kind === 'arg',
    );
    if (!subscribe || params.length === 0) {
      continue;
    }
    field.subscribe = async (source, args, context, info) => {
      // After the auth checker, which the original subscribe runs first: a role that may not
      // subscribe is FORBIDDEN whatever its arguments.
      const iterator = await subscribe(source, args, context, info);
      const data = { root: source, args, context, info } as ResolverData;
      try {
        for (const param of params) {
          const type = param.getType();
          const value = param.kind === 'args' ? args : args[param.name];
          await validateArgument(toInstance(type, value), type, data);
        }
      } catch (error) {
        await (iterator as AsyncIterator<unknown>).return?.();
        throw error;
      }

      return iterator;
    };
  }
}
