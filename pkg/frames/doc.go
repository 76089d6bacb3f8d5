// Package frames builds the Grafana data frames the plugin returns. The field names, label
// names and frame types are a contract with the front end, the bundled dashboard and alert
// rules (see README "Frames"):
//
//   - Table: one table frame, fields Cluster, Node, Certificate, Category, Days remaining
//     (float64, unit d), Expires at, Status, Source, Path, Days behind (float64, unit d).
//   - Days: dataplane numeric-multi 0.1, one frame per result with one "Days remaining" field
//     (or "Days behind", or "Expires at" in Unix milliseconds: see Value) labelled by the
//     groupBy's labels; no result = the dataplane "no data" frame. For alert rules,
//     DaysLong: the same results as one numeric-long 0.1 frame, the labels as string fields.
//   - Renewals: one table frame, fields Time, Cluster, Node, Certificate, Category, Expires
//     before, Expires after, Days before, Days after.
//   - Timeseries: dataplane timeseries-multi 0.1, frames of Time + Days remaining.
package frames
