#!/bin/sh
# redis-a starts as master, redis-b as its replica; after a failover the sentinels reconfigure
# whichever comes back.
set -eu
PASSWORD=$(cat /run/secrets/redis-password)
set -- --requirepass "$PASSWORD" --masterauth "$PASSWORD" --appendonly yes --dir /data
if [ "${ROLE:-master}" = replica ]; then
  set -- "$@" --replicaof redis-a 6379
fi
exec redis-server "$@"
