import React from 'react';
import { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { getBackendSrv, locationService } from '@grafana/runtime';
import { Button, Stack } from '@grafana/ui';

type Props = PluginConfigPageProps<AppPluginMeta<{}>>;

/** The app's configuration page: enable or disable the app. */
export function AppConfig({ plugin }: Props) {
  const { enabled, id } = plugin.meta;

  const update = async (value: boolean) => {
    await getBackendSrv().post(`/api/plugins/${id}/settings`, { enabled: value, pinned: value, jsonData: {} });
    locationService.reload();
  };

  return (
    <Stack direction="column" gap={2}>
      <p>The app is {enabled ? 'enabled' : 'disabled'}.</p>
      <div>
        {enabled ? (
          <Button variant="destructive" onClick={() => update(false)}>
            Disable
          </Button>
        ) : (
          <Button onClick={() => update(true)}>Enable</Button>
        )}
      </div>
    </Stack>
  );
}
