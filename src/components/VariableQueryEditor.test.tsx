import React, { useState } from 'react';
import { DataFrame, DataQueryRequest } from '@grafana/data';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { lastValueFrom } from 'rxjs';

import { RsCertsVariableQuery } from '../types';
import { RsCertsVariableSupport } from '../VariableSupport';
import { fakeDataSource } from '../test/datasource';
import { fakeTemplateSrv } from '../test/templateSrv';
import { VariableQueryEditor } from './VariableQueryEditor';

const templateSrv = fakeTemplateSrv([{ name: 'cluster', current: { value: 'prod-eu' }, options: ['prod-eu'] }]);

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => templateSrv,
}));

function setup(query: object) {
  const { ds, getResource } = fakeDataSource({ clusters: ['prod-eu', 'prod-us'] });
  const onChange = jest.fn();
  render(<VariableQueryEditor datasource={ds} query={query as never} onChange={onChange} onRunQuery={jest.fn()} />);
  return { onChange, getResource };
}

describe('VariableQueryEditor', () => {
  it('defaults to listing clusters, without a cluster filter', () => {
    setup({ refId: 'V' });
    expect(screen.getByRole('radio', { name: 'Clusters' })).toBeChecked();
    expect(screen.getByText('Every cluster that reports certificates.')).toBeInTheDocument();
    expect(screen.queryByTestId('rscerts-variable-clusters')).not.toBeInTheDocument();
  });

  it('emits the variable query JSON for nodes', () => {
    const { onChange } = setup({ refId: 'V', kind: 'clusters', clusters: [] });
    fireEvent.click(screen.getByRole('radio', { name: 'Nodes' }));
    expect(onChange).toHaveBeenCalledWith({ refId: 'V', kind: 'nodes', clusters: [] });
  });

  it('restricts certificates to clusters picked from the backend or the variables', async () => {
    const { onChange, getResource } = setup({ refId: 'V', kind: 'certificates', clusters: ['$cluster'] });
    const input = within(screen.getByTestId('rscerts-variable-clusters')).getByRole('combobox');
    await act(async () => {
      fireEvent.click(input);
    });
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('clusters', undefined));
    fireEvent.click(await screen.findByRole('option', { name: 'prod-us' }));
    expect(onChange).toHaveBeenCalledWith({ refId: 'V', kind: 'certificates', clusters: ['$cluster', 'prod-us'] });
  });

  it('saves every field as edited, and the variable lists exactly what that query asks for', async () => {
    const { ds, getResource } = fakeDataSource({ clusters: ['prod-eu', 'prod-us'], certificates: ['proxy', 'api'] });
    const onChange = jest.fn();
    // As Grafana's variable editor does: it keeps what the editor reports and saves the last of it.
    function Variable() {
      const [query, setQuery] = useState<RsCertsVariableQuery>({ refId: 'V', kind: 'clusters', clusters: [] });
      return (
        <VariableQueryEditor
          datasource={ds}
          query={query}
          onChange={(next) => {
            onChange(next);
            setQuery(next);
          }}
          onRunQuery={jest.fn()}
        />
      );
    }
    render(<Variable />);
    fireEvent.click(screen.getByRole('radio', { name: 'Certificates' }));
    await act(async () => {
      fireEvent.click(within(screen.getByTestId('rscerts-variable-clusters')).getByRole('combobox'));
    });
    fireEvent.click(await screen.findByRole('option', { name: 'prod-us' }));
    fireEvent.click(await screen.findByRole('option', { name: /^\$cluster/ }));

    const saved: RsCertsVariableQuery = onChange.mock.calls.at(-1)[0];
    expect(saved).toEqual({ refId: 'V', kind: 'certificates', clusters: ['prod-us', '$cluster'] });
    const support = ds.variables as RsCertsVariableSupport;
    expect(support.editor).toBe(VariableQueryEditor); // the editor Grafana is given
    const request = { targets: [saved], scopedVars: {} } as unknown as DataQueryRequest<RsCertsVariableQuery>;
    const frame = (await lastValueFrom(support.query(request))).data[0] as DataFrame;
    expect(getResource).toHaveBeenLastCalledWith('certificates', { cluster: ['prod-us', 'prod-eu'] });
    expect(frame.fields.map((f) => [f.name, f.values])).toEqual([
      ['text', ['proxy', 'api']],
      ['value', ['proxy', 'api']],
    ]);
  });
});
