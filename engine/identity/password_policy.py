"""What a new password must be: long enough, not the user name, not one everybody tries first.

Checked wherever a password is set (`opsflow create-user`, a password
change); never at sign-in, so an existing account keeps working until its
password is next changed. The demo seeding alone skips it, for the
documented demo-only password `demo`.

A refusal names its rule (`WeakPassword.rule`) so the web layer can say it
in the reader's language; the English message is for the command line.
"""
from __future__ import annotations

from ..errors import InvalidData

MIN_LENGTH = 10
MAX_LENGTH = 256  # argon2 would take longer, but nobody types more; it bounds the work one sign-in costs

# Common choices of at least MIN_LENGTH characters (shorter ones fail the length rule anyway),
# including the ones Chinese password leaks are full of.
COMMON = frozenset("""
0123456789 1234567890 0987654321 9876543210 1111111111 0000000000 1212121212 1122334455 1234512345
123456789a a123456789 123456789q q123456789 1234567890a 12345678910 123123123123 123456123456 abc1234567
abcd123456 abcdefghij abcdefg123 qwertyuiop qwerty1234 qwerty12345 1qaz2wsx3edc 1q2w3e4r5t 1q2w3e4r5t6y
qazwsxedcrfv zaq12wsxcde asdfghjkl1 zxcvbnm123 password12 password123 password1234 passw0rd123 p@ssw0rd123
p@ssword123 iloveyou12 iloveyou123 welcome123 welcome1234 letmein123 changeme123 administrator admin12345
admin123456 root123456 superman123 football12 baseball12 sunshine12 princess12 trustno1234 monkey1234
dragon1234 master1234 woaini1314 woaini520 woaini123456 5201314520 1314520520 5211314521 aaaaaaaaaa
qweasdzxc123 zhang123456 wang123456 li12345678 opsflow123 opsflow1234 opsflow2024 opsflow2025 opsflow2026
""".split())


class WeakPassword(InvalidData):
    """The password breaks a rule of the policy; `rule` is one of too_short, too_long, user_name, common."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__({"password": message})
        self.rule = rule


def check_password_policy(username: str, password: str) -> None:
    """Raise WeakPassword naming the first rule the password breaks."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword("too_short", f"must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        raise WeakPassword("too_long", f"must be at most {MAX_LENGTH} characters long")
    name, folded = username.strip().casefold(), password.casefold()
    if name and (folded == name or (len(name) >= 3 and name in folded)):
        raise WeakPassword("user_name", "must not contain the user name")
    if folded in COMMON or len(set(folded)) == 1:
        raise WeakPassword("common", "is one of the most common passwords; choose another")
