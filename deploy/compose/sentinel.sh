#!/bin/sh
# Sentinel rewrites its config file: generate it where it may write.
set -eu
PASSWORD=$(cat /run/secrets/redis-password)
umask 077
cat > /tmp/sentinel.conf <<CONF
port 26379
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
requirepass $PASSWORD
sentinel sentinel-pass $PASSWORD
sentinel monitor eidas redis-a 6379 2
sentinel auth-pass eidas $PASSWORD
sentinel down-after-milliseconds eidas 5000
sentinel failover-timeout eidas 30000
CONF
exec redis-sentinel /tmp/sentinel.conf
