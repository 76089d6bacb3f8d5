// Package demo holds no code: its tests check the docker compose demo (docker-compose.yaml,
// Dockerfile, provisioning/) without a Docker engine, by parsing and cross-checking the files
// and by running the simulator and promtool the way the containers would.
package demo
