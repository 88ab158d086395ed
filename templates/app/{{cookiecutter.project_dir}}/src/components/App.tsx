import React, { useEffect, useState } from 'react';
import { AppRootProps } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Stack, TextArea } from '@grafana/ui';

/** The app's page: calls the Python backend's `/ping` and `/echo` resources. */
export function App({ meta }: AppRootProps) {
  const base = `/api/plugins/${meta.id}/resources`;
  const [pong, setPong] = useState<string>('...');
  const [text, setText] = useState<string>('{"hello": "world"}');
  const [echo, setEcho] = useState<string>('');

  useEffect(() => {
    getBackendSrv()
      .get(`${base}/ping`)
      .then((response) => setPong(response.message))
      .catch((error) => setPong(`error: ${error?.message ?? error}`));
  }, [base]);

  const onEcho = async () => {
    try {
      const response = await getBackendSrv().post(`${base}/echo`, JSON.parse(text));
      setEcho(JSON.stringify(response, null, 2));
    } catch (error) {
      setEcho(`error: ${String(error)}`);
    }
  };

  return (
    <Stack direction="column" gap={2}>
      <Alert title="Backend" severity="info">
        ping: {pong}
      </Alert>
      <TextArea id="app-echo-input" value={text} rows={4} onChange={(event) => setText(event.currentTarget.value)} />
      <div>
        <Button onClick={onEcho}>Send to /echo</Button>
      </div>
      <pre id="app-echo-output">{echo}</pre>
    </Stack>
  );
}
