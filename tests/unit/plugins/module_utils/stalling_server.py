"""A server (SrvsvcClient._call stand-in) whose second call runs out of the run's deadline, for
the listings' tests of a timeout in a later round."""
from test_srvsvc_codec import FakeServer, client_on  # same directory


class Clock:
    """The run's deadline, until ``ran_out`` is set."""
    seconds = 30
    ran_out = False

    def expired(self):
        return self.ran_out

    def remaining(self):
        return 0 if self.ran_out else 30


def client_stalling_in_round_two(pages):
    """A client whose first call answers pages[0] and whose second runs out of time."""
    class StallsInRoundTwo(FakeServer):
        def __call__(self, opnum, stub, operation, **limits):
            if self.calls:
                client.deadline.ran_out = True
                raise client.timeout_error(operation, sent=True)
            return FakeServer.__call__(self, opnum, stub, operation, **limits)
    client = client_on(call=StallsInRoundTwo(pages))
    client.deadline = Clock()
    return client
