import { AnnotationEvent, AnnotationQuery, AnnotationSupport, DataFrame, Field } from '@grafana/data';
import { Observable, of } from 'rxjs';

import { AnnotationQueryEditor } from './components/QueryEditor';
import { ANNOTATION_QUERY_TYPES, DEFAULT_QUERY, normalizeQuery, RsCertsQuery } from './types';

/*
 * Dashboard annotations from plugin queries. Today the certificates table becomes one event per
 * certificate at its expiry time; renewal events (query type `renewals`) will map here too once
 * the backend serves them.
 */

type RsCertsAnnotation = AnnotationQuery<RsCertsQuery>;

function field(frame: DataFrame, name: string): Field | undefined {
  return frame.fields.find((f) => f.name === name);
}

function toMillis(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string' || value instanceof Date) {
    const ms = new Date(value).getTime();
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** One event per certificate row, placed at "Expires at". */
export function expiryEvents(frames: DataFrame[]): AnnotationEvent[] {
  const events: AnnotationEvent[] = [];
  for (const frame of frames) {
    const expires = field(frame, 'Expires at');
    if (!expires) {
      continue;
    }
    const text = (name: string, i: number) => {
      const v = field(frame, name)?.values[i];
      return v === undefined || v === null ? '' : String(v);
    };
    for (let i = 0; i < frame.length; i++) {
      const time = toMillis(expires.values[i]);
      if (time === undefined) {
        continue;
      }
      const [cluster, node, certificate, category, status, days] = [
        'Cluster',
        'Node',
        'Certificate',
        'Category',
        'Status',
        'Days remaining',
      ].map((name) => text(name, i));
      events.push({
        time,
        title: `${certificate || 'Certificate'} expires`,
        text: [
          node ? `${certificate} on ${node} (${cluster})` : `${certificate} (${cluster})`,
          status && `status ${status}`,
          days && `${days} days remaining`,
        ]
          .filter(Boolean)
          .join(', '),
        tags: [cluster, node, category, status].filter(Boolean),
      });
    }
  }
  return events;
}

export const annotationSupport: AnnotationSupport<RsCertsQuery> = {
  QueryEditor: AnnotationQueryEditor,
  getDefaultQuery: () => ({ ...DEFAULT_QUERY, queryType: ANNOTATION_QUERY_TYPES[0].value }),
  prepareAnnotation(json: RsCertsAnnotation): RsCertsAnnotation {
    // Annotations saved before they had a target (or created by hand) get the default query.
    return { ...json, target: { ...DEFAULT_QUERY, refId: 'Anno', ...json.target } };
  },
  prepareQuery(anno: RsCertsAnnotation): RsCertsQuery | undefined {
    const query = anno.target && normalizeQuery({ ...anno.target, refId: anno.target.refId ?? 'Anno' });
    // Returning undefined quietly skips query types whose frames hold no events.
    return query && ANNOTATION_QUERY_TYPES.some((t) => t.value === query.queryType) ? query : undefined;
  },
  processEvents(_anno: RsCertsAnnotation, frames: DataFrame[]): Observable<AnnotationEvent[] | undefined> {
    return of(expiryEvents(frames));
  },
};
