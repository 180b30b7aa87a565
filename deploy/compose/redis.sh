#!/bin/sh
# Start as a replica of whichever master the sentinels know now (after a failover that may be
# either server); only when none answers does redis-a start as master and redis-b as its replica.
set -eu
PASSWORD=$(cat /run/secrets/redis-password)
MASTER=""
for s in sentinel-1 sentinel-2 sentinel-3; do
  MASTER=$(REDISCLI_AUTH="$PASSWORD" redis-cli -h "$s" -p 26379 \
    SENTINEL GET-MASTER-ADDR-BY-NAME eidas 2>/dev/null | head -n 1) || true
  [ -n "$MASTER" ] && break
done
[ -z "$MASTER" ] && [ "${ROLE:-master}" = replica ] && MASTER=redis-a
# The password goes in a file, never on a command line (visible in the process list).
umask 077
cat > /tmp/redis.conf <<CONF
requirepass $PASSWORD
masterauth $PASSWORD
replica-announce-ip $(hostname)
dir /data
appendonly yes
CONF
if [ -n "$MASTER" ] && [ "$MASTER" != "$(hostname)" ]; then
  echo "replicaof $MASTER 6379" >> /tmp/redis.conf
fi
exec redis-server /tmp/redis.conf
