// Package engine runs the plugin's queries: it builds the PromQL (package promql), sends it
// through the Prometheus client (package prom), identical requests and the lookback answer
// shared between queries, decodes the answers into observations, and lets package certs name,
// classify, merge, filter and group them. Handlers (package pluginhost) only choose the frame
// shape (package frames).
package engine
