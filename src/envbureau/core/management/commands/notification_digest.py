"""Daily e-mail digest of each user's unread notifications (only when e-mail is configured)."""

from django.core.management.base import BaseCommand

from envbureau.core.notify import send_digest


class Command(BaseCommand):
    help = "Send each user one e-mail with their unread notifications not yet included in a digest."

    def handle(self, **o):
        out = send_digest()
        self.stdout.write(f"users={out['users']} items={out['items']}")
