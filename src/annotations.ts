import { AnnotationEvent, AnnotationQuery, AnnotationSupport, DataFrame, Field } from '@grafana/data';
import { Observable, of } from 'rxjs';

import { AnnotationQueryEditor } from './components/QueryEditor';
import { ANNOTATION_QUERY_TYPES, DEFAULT_QUERY, normalizeQuery, RsCertsQuery } from './types';

/*
 * Dashboard annotations from plugin queries: the renewals table (query type `renewals`, the
 * default) becomes one event per renewal or rotation at the time its new expiry was first seen,
 * the certificates table one event per certificate at its expiry time.
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

/** A finite number of days as "12.0", or undefined (a NaN or a missing value). */
function days(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(1) : undefined;
}

/** The UTC date of a time, "2027-01-02": the backend's times are UTC, and an expiry is a day. */
function date(value: unknown): string | undefined {
  const ms = toMillis(value);
  return ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

/**
 * One event per renewals row, placed at "Time" (when the new expiry was first seen), e.g. title
 * "proxy renewed on node 2 of c1.example.com" ("rotated" for an auto-rotated certificate), text
 * "Expiry moved from 2027-01-02 to 2027-12-31 (12.0 → 365.0 days remaining)".
 */
export function renewalEvents(frames: DataFrame[]): AnnotationEvent[] {
  const events: AnnotationEvent[] = [];
  for (const frame of frames) {
    const at = field(frame, 'Time');
    if (!at || !field(frame, 'Expires after')) {
      continue;
    }
    const value = (name: string, i: number): unknown => field(frame, name)?.values[i];
    const text = (name: string, i: number) => {
      const v = value(name, i);
      return v === undefined || v === null ? '' : String(v);
    };
    for (let i = 0; i < frame.length; i++) {
      const time = toMillis(at.values[i]);
      if (time === undefined) {
        continue;
      }
      const [cluster, node, certificate, category] = ['Cluster', 'Node', 'Certificate', 'Category'].map((name) =>
        text(name, i)
      );
      const verb = category === 'auto-rotated' ? 'rotated' : 'renewed';
      const where = [node && `on node ${node}`, cluster && (node ? `of ${cluster}` : `in ${cluster}`)];
      const [before, after] = [date(value('Expires before', i)), date(value('Expires after', i))];
      const [daysBefore, daysAfter] = [days(value('Days before', i)), days(value('Days after', i))];
      const moved = before && after ? `Expiry moved from ${before} to ${after}` : after && `New expiry ${after}`;
      const remaining = daysBefore && daysAfter && `${daysBefore} → ${daysAfter} days remaining`;
      events.push({
        time,
        title: [certificate || 'Certificate', verb, ...where].filter(Boolean).join(' '),
        text: moved && remaining ? `${moved} (${remaining})` : moved || remaining || '',
        tags: [cluster, node, certificate].filter(Boolean),
      });
    }
  }
  return events;
}

/** Each frame's events: a renewals table's renewals, a certificates table's expiries. */
export function annotationEvents(frames: DataFrame[]): AnnotationEvent[] {
  return frames.flatMap((frame) => (field(frame, 'Expires after') ? renewalEvents([frame]) : expiryEvents([frame])));
}

/** A new annotation's query: the first annotation query type, renewals. */
function defaultAnnotationQuery(): Omit<RsCertsQuery, 'refId'> {
  return { ...DEFAULT_QUERY, queryType: ANNOTATION_QUERY_TYPES[0].value };
}

export const annotationSupport: AnnotationSupport<RsCertsQuery> = {
  QueryEditor: AnnotationQueryEditor,
  getDefaultQuery: defaultAnnotationQuery,
  prepareAnnotation(json: RsCertsAnnotation): RsCertsAnnotation {
    // Grafana's annotation editor calls this on every change and saves what differs: an annotation
    // that needs nothing must come back as the same object, or the editor loops.
    if (json.target?.queryType) {
      return json;
    }
    if (json.target) {
      // A target without a query type (written by hand) ran as certificates before renewals
      // existed, and keeps doing so.
      return { ...json, target: { ...DEFAULT_QUERY, ...json.target, refId: json.target.refId ?? 'Anno' } };
    }
    // A new annotation (Grafana creates it without a target): the default annotation query.
    return { ...json, target: { ...defaultAnnotationQuery(), refId: 'Anno' } };
  },
  prepareQuery(anno: RsCertsAnnotation): RsCertsQuery | undefined {
    const query = anno.target && normalizeQuery({ ...anno.target, refId: anno.target.refId ?? 'Anno' });
    // Returning undefined quietly skips query types whose frames hold no events.
    return query && ANNOTATION_QUERY_TYPES.some((t) => t.value === query.queryType) ? query : undefined;
  },
  processEvents(_anno: RsCertsAnnotation, frames: DataFrame[]): Observable<AnnotationEvent[] | undefined> {
    return of(annotationEvents(frames));
  },
};
