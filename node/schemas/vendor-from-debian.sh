#!/bin/sh
# Copies the OASIS SAML 2.0 and W3C XML-DSig/XML-Enc schemas we validate against from Debian's
# packages into this directory, unchanged. Run it to re-vendor after a Debian update; the test
# `vendored_schemas_are_debians` checks that the copies still equal the installed files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d /usr/share/xml/opensaml ] || [ ! -d /usr/share/xml/xmltooling ]; then
    echo "installing opensaml-schemas and xmltooling-schemas" >&2
    sudo=; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get install -y --no-install-recommends opensaml-schemas xmltooling-schemas
fi
for f in saml-schema-protocol-2.0.xsd saml-schema-assertion-2.0.xsd saml-schema-metadata-2.0.xsd \
         sstc-saml-metadata-algsupport-v1.0.xsd sstc-metadata-attr.xsd; do
    cp /usr/share/xml/opensaml/$f "$here/$f"
done
for f in xmldsig-core-schema.xsd xmldsig11-schema.xsd xenc-schema.xsd xenc11-schema.xsd xml.xsd; do
    cp /usr/share/xml/xmltooling/$f "$here/$f"
done
dpkg-query -W -f='${Package} ${Version}\n' opensaml-schemas xmltooling-schemas
