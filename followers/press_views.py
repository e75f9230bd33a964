"""/<lang>/press/: journalists ask to join the press list, confirm, and leave in one click."""

from django.http import HttpResponse


def join(request, token=None):
    return HttpResponse(status=501)


sent = confirm = leave = join
