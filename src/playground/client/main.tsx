import { GraphiQL } from 'graphiql';
import { useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createPulseFetcher } from './fetcher';
import { createPlaygroundStorage } from './storage';
import 'graphiql/style.css';
import './playground.css';

// The example tabs of schema/examples.graphql, parsed and inlined by the build (build.ts).
declare const PULSE_EXAMPLE_TABS: Array<{ query: string; variables?: string }>;

const DEFAULT_HEADERS = '{\n  "Authorization": "Bearer <paste your API key>"\n}';

function Playground() {
  const [introspection, setIntrospection] = useState(true);
  const fetcher = useMemo(() => createPulseFetcher(setIntrospection), []);
  const storage = useMemo(() => createPlaygroundStorage(), []);

  return (
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={PULSE_EXAMPLE_TABS}
      defaultHeaders={DEFAULT_HEADERS}
      defaultEditorToolsVisibility="headers"
      // Keys stay out of localStorage unless the user opts in from the settings dialog; the
      // storage drops them from the query history too, which GraphiQL saves them in regardless.
      shouldPersistHeaders={false}
      storage={storage}
    >
      <GraphiQL.Logo>Pulse</GraphiQL.Logo>
      {introspection ? null : (
        <GraphiQL.Footer>
          <p className="pulse-notice" role="status">
            Introspection is turned off on this server (PULSE_INTROSPECTION=false): the
            documentation explorer and autocompletion need it. Queries still run.
          </p>
        </GraphiQL.Footer>
      )}
    </GraphiQL>
  );
}

const container = document.getElementById('playground');
if (!container) {
  throw new Error('the playground page has no #playground element');
}
createRoot(container).render(<Playground />);
