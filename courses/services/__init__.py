"""Writes of the LMS domain, one module per subdomain. Each public function checks the acting
user's permission (actor=None is a trusted system call from a command, a migration or a test
factory), validates, writes in a transaction, records history and schedules side effects on
commit. It raises courses.exceptions.DomainError (with a message for a person) and writes
nothing when it refuses."""
