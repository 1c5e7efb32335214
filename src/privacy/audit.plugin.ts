import type { ApolloServerPlugin } from '@apollo/server';
import type { PulseContext } from '../graphql/context';
import type { AuditService } from './audit.service';

/**
 * Audits personal data reads over HTTP: the customers whose unmasked data a response carries
 * become one READ_PERSONAL_DATA entry, written before the response is sent, so no data leaves
 * unrecorded (a failed write fails the request). Subscriptions are audited per event by
 * `server/ws-server.ts`, where Apollo's plugins do not run.
 */
export function auditPlugin(audit: AuditService): ApolloServerPlugin<PulseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName }) {
          contextValue.audit.operationName = operationName ?? null;
        },
        async willSendResponse({ contextValue }) {
          await audit.recordReads(contextValue.audit);
        },
      };
    },
  };
}
