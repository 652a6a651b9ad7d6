"""Client instances: one client_id and key per installation of a piece of software,
so that one device can be revoked while the others keep working."""
