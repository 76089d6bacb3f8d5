// Package engine runs the plugin's queries: it builds the PromQL (package promql), sends it
// through the Prometheus client (package prom) in one round trip, decodes the answer into
// observations, and lets package certs name, classify, merge, filter and group them.
// Handlers (package pluginhost) only choose the frame shape (package frames).
package engine
