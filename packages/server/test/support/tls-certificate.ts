/**
 * A self-signed test certificate (EC P-256) for 127.0.0.1 and localhost, shared by the TLS tests
 * of the engine and of the client. A client must either skip verification or trust it as its CA.
 */
export const key = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg303ZapEvgmO0xeaW
z9X4KfKSihczBVz69hvmwAYzJPihRANCAARPERjDG0XW/6jqWwY+3QQcwAJqKDaM
7O7M0Av2z4pfXi2obI1GuJkbkJHotOhHmVTKjkeE0sPnJCcVfVIIvvax
-----END PRIVATE KEY-----`;

export const cert = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUULNlPhPHH9YcHQNt0owmgzFa2pswCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNTE3NTYyMFoYDzIxMjYxMTAx
MTc1NjIwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARPERjDG0XW/6jqWwY+3QQcwAJqKDaM7O7M0Av2z4pfXi2obI1GuJkb
kJHotOhHmVTKjkeE0sPnJCcVfVIIvvaxo28wbTAdBgNVHQ4EFgQUcTm7sE9gi0MA
2TjR8uwK/SMp8D8wHwYDVR0jBBgwFoAUcTm7sE9gi0MA2TjR8uwK/SMp8D8wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSQAwRgIhAPXCnPDGidmME3jv6EyJ2zKDV0IWJnE0Ax+3UjdAo2Q7AiEA
9dD/qv7+cz96UPvBzFqpNOdISX20MBWtmJwvdS69yJQ=
-----END CERTIFICATE-----`;
