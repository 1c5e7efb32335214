import type { ContainerType, ResolverData } from 'type-graphql';
import type { Services } from '../services';

/**
 * type-graphql asks this container for resolver instances. Every resolver takes the services
 * object in its constructor, so a plain map of singletons is all the dependency injection
 * Pulse needs (STYLE.md: no DI library).
 */
export function createContainer(services: Services): ContainerType {
  const instances = new Map<Function, unknown>();

  return {
    get(someClass: Function, _data: ResolverData) {
      let instance = instances.get(someClass);
      if (!instance) {
        instance = new (someClass as new (services: Services) => unknown)(services);
        instances.set(someClass, instance);
      }

      return instance;
    },
  };
}
