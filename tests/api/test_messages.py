"""Status icons from both perspectives, the message thread's rules, read markers, translation and
the notification a message leaves in the outbox."""

from __future__ import annotations

import grpc
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import collaborators_pb2 as kpb
from orthoplan.v1 import messages_pb2 as mpb
from orthoplan.v1 import setups_pb2 as spb

from tests.api.helpers import build_org, details, invite_and_register, new_case, new_patient, outbox, plan, rpc_error

IA, NF, PD, FP = (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED,
                  grpc.StatusCode.FAILED_PRECONDITION)


def shared_case(api, *perms: int, email: str = "tess@lab.test"):
    """A case awaiting its setup, shared with a registered collaborator."""
    org = build_org(api)
    prov = org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1", first="Ada")
    case = new_case(prov, p.id)
    case = prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    case = org.admin.cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    collab, tps = invite_and_register(api, prov, email, *perms)
    prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=collab.id, case_id=case.id))
    return org, prov, tps, case


def status(stubs, case_id: str) -> tuple[int, int]:
    view = stubs.cases.GetCaseStatus(cpb.GetCaseStatusRequest(id=case_id))
    return view.status, view.unread_messages


def post(stubs, case_id: str, text: str, **kw) -> mpb.Message:
    return stubs.messages.PostMessage(mpb.PostMessageRequest(case_id=case_id, text=text, **kw))


def test_owner_and_collaborator_see_their_own_status(api):
    org, prov, tps, case = shared_case(api, kpb.REQUEST_REVISIONS, kpb.VIEW_CASE_DETAILS)
    assert status(prov, case.id) == status(tps, case.id) == (cpb.STATUS_AWAITING_SETUP, 0)
    err = rpc_error(lambda: post(tps, case.id, "anything yet?"), FP)
    assert details(err)["reason"] == "CASE_STATE" and "SETUP_READY" in details(err)["violations"]["case.state"]
    org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))
    assert status(prov, case.id) == status(tps, case.id) == (cpb.STATUS_EVALUATING_SETUP, 0)

    m1 = post(tps, case.id, "Upper left canine needs more rotation.\nSee stage 4.", language="en")
    assert (m1.author_name, m1.language) == ("Tess Planner", "en") and m1.create_time.seconds > 0
    # the owner has news, the author has not
    assert status(prov, case.id) == (cpb.STATUS_UNREAD_MESSAGE, 1)
    assert status(tps, case.id) == (cpb.STATUS_EVALUATING_SETUP, 0)
    mine = prov.cases.ListCases(cpb.ListCasesRequest()).cases
    assert [(c.status, c.unread_messages) for c in mine] == [(cpb.STATUS_UNREAD_MESSAGE, 1)]
    theirs = tps.collab.ListSharedCases(kpb.ListSharedCasesRequest()).cases
    assert [(c.status, c.unread_messages) for c in theirs] == [(cpb.STATUS_EVALUATING_SETUP, 0)]
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).status == cpb.STATUS_UNREAD_MESSAGE
    read = prov.messages.MarkMessagesRead(mpb.MarkMessagesReadRequest(case_id=case.id))
    assert (read.last_read_id, read.unread_messages) == (m1.id, 0)
    assert status(prov, case.id) == (cpb.STATUS_EVALUATING_SETUP, 0)

    # the collaborator with a review permission moves the case to ready-for-approval and back
    case = prov.cases.GetCase(cpb.GetCaseRequest(id=case.id))
    ready = tps.cases.MarkReadyForApproval(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    assert ready.state == cpb.READY_FOR_APPROVAL
    assert status(prov, case.id) == status(tps, case.id) == (cpb.STATUS_READY_FOR_APPROVAL, 0)
    back = tps.cases.ReturnToEvaluation(cpb.TransitionCaseRequest(id=case.id))
    assert back.state == cpb.SETUP_READY
    ready = prov.cases.MarkReadyForApproval(cpb.TransitionCaseRequest(id=case.id))
    post(prov, case.id, "Thanks, approving now.")
    assert status(tps, case.id) == (cpb.STATUS_UNREAD_MESSAGE, 1)
    setup = prov.setups.GetSetup(spb.GetSetupRequest(case_id=case.id))
    prov.setups.ApproveSetup(spb.ApproveSetupRequest(case_id=case.id, version=setup.version,
                                                     content_sha256=setup.content_sha256))
    assert status(prov, case.id) == (cpb.STATUS_APPROVED, 0)
    assert status(tps, case.id) == (cpb.STATUS_UNREAD_MESSAGE, 1)
    # once approved, the planning service can no longer post
    err = rpc_error(lambda: post(tps, case.id, "one more thing"), FP)
    assert details(err)["reason"] == "CASE_STATE"
    prov.cases.CloseCase(cpb.TransitionCaseRequest(id=case.id))
    assert status(prov, case.id) == (cpb.STATUS_ARCHIVED, 0) and status(tps, case.id) == (cpb.STATUS_ARCHIVED, 1)


def test_status_changes_need_a_review_permission(api):
    org, prov, viewer, case = shared_case(api, kpb.VIEW_CASE_DETAILS)
    org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))
    err = rpc_error(lambda: viewer.cases.MarkReadyForApproval(cpb.TransitionCaseRequest(id=case.id)), PD)
    assert "DECLINE_SETUPS or REQUEST_REVISIONS or APPROVE" in err.details()
    rpc_error(lambda: org.as_["regional"].cases.MarkReadyForApproval(cpb.TransitionCaseRequest(id=case.id)), PD)
    # any collaborator the case is shared with may talk; the front desk does not see cases
    post(viewer, case.id, "Looks fine to me.")
    rpc_error(lambda: post(org.as_["reception_a"], case.id, "hello"), NF)
    rpc_error(lambda: org.as_["locadmin_b"].cases.MarkReadyForApproval(cpb.TransitionCaseRequest(id=case.id)), NF)
    assert post(org.as_["tc_a"], case.id, "Patient asks about timing.").author_name == "tc_a"
    # another practice's provider does not see the case at all
    rpc_error(lambda: post(org.as_["provider_b"], case.id, "hi"), NF)
    rpc_error(lambda: org.as_["provider_b"].cases.GetCaseStatus(cpb.GetCaseStatusRequest(id=case.id)), NF)
    prov.collab.UnshareCase(kpb.ShareCaseRequest(collaborator_id=viewer_collab(prov).id, case_id=case.id))
    rpc_error(lambda: viewer.messages.ListMessages(mpb.ListMessagesRequest(case_id=case.id)), NF)


def viewer_collab(prov) -> kpb.Collaborator:
    return prov.collab.ListCollaborators(kpb.ListCollaboratorsRequest()).collaborators[0]


def test_thread_listing_markers_retries_and_bad_input(api):
    org, prov, tps, case = shared_case(api, kpb.REQUEST_REVISIONS)
    org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))
    sent = [post(tps if i % 2 else prov, case.id, f"message {i}") for i in range(5)]
    assert [m.id for m in sent] == sorted(m.id for m in sent)
    first = prov.messages.ListMessages(mpb.ListMessagesRequest(case_id=case.id, page_size=2))
    assert [m.text for m in first.messages] == ["message 4", "message 3"] and first.next_page_token
    assert first.last_read_id == sent[4].id  # posting marks the thread read for its author
    rest = prov.messages.ListMessages(mpb.ListMessagesRequest(case_id=case.id, page_size=10,
                                                              page_token=first.next_page_token))
    assert [m.text for m in rest.messages] == ["message 2", "message 1", "message 0"]
    by_tps = prov.messages.ListMessages(mpb.ListMessagesRequest(
        case_id=case.id, filter=f'author_id = "{sent[1].author_id}"', order_by="create_time")).messages
    assert [m.text for m in by_tps] == ["message 1", "message 3"]
    # read markers only move forward
    assert tps.messages.MarkMessagesRead(mpb.MarkMessagesReadRequest(case_id=case.id, up_to_id=sent[2].id)
                                         ).unread_messages == 1
    back = tps.messages.MarkMessagesRead(mpb.MarkMessagesReadRequest(case_id=case.id, up_to_id=sent[0].id))
    assert (back.last_read_id, back.unread_messages) == (sent[3].id, 1)  # its own post at 3 moved it
    # a retried post with its request id is stored once
    a = post(prov, case.id, "retry me", request_id="r-1")
    assert post(prov, case.id, "retry me", request_id="r-1") == a
    assert len(prov.messages.ListMessages(mpb.ListMessagesRequest(case_id=case.id, page_size=100)).messages) == 6
    # every bad field at once
    err = rpc_error(lambda: post(prov, "nope", "\x07" * 3, language="english!"), IA)
    assert set(details(err)["violations"]) == {"case_id", "text", "language"}
    err = rpc_error(lambda: post(prov, case.id, "x" * 4001), IA)
    assert "at most 4000" in details(err)["violations"]["text"]
    rpc_error(lambda: post(prov, case.id, "   "), IA)
    rpc_error(lambda: prov.messages.MarkMessagesRead(mpb.MarkMessagesReadRequest(case_id=case.id, up_to_id=-1)), IA)
    rpc_error(lambda: prov.messages.ListMessages(mpb.ListMessagesRequest(case_id=case.id, order_by="author")), IA)


class Reverser:
    """Test double for a translation provider."""

    def __init__(self):
        self.calls = []

    def translate(self, text: str, source_language: str, target_language: str) -> str:
        self.calls.append((source_language, target_language))
        return text[::-1]


def test_translation_is_pluggable_and_absent_by_default(api):
    org, prov, tps, case = shared_case(api)
    org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))
    msg = post(tps, case.id, "Mais rotação no 13.", language="pt-BR")
    ask = mpb.TranslateMessageRequest(id=msg.id, target_language="en")
    err = rpc_error(lambda: prov.messages.TranslateMessage(ask), FP)
    assert details(err)["reason"] == "TRANSLATION_UNAVAILABLE"
    api.runtime.deps.translator = double = Reverser()
    try:
        out = prov.messages.TranslateMessage(ask)
        assert (out.source_language, out.target_language, out.text) == ("pt-BR", "en", "Mais rotação no 13."[::-1])
        assert double.calls == [("pt-BR", "en")]
        # the stored message keeps its language and text
        kept = prov.messages.ListMessages(mpb.ListMessagesRequest(case_id=case.id)).messages[0]
        assert (kept.text, kept.language) == ("Mais rotação no 13.", "pt-BR")
        rpc_error(lambda: org.as_["provider_b"].messages.TranslateMessage(ask), NF)
        rpc_error(lambda: prov.messages.TranslateMessage(mpb.TranslateMessageRequest(id=msg.id)), IA)
    finally:
        api.runtime.deps.translator = None


def test_a_message_notifies_the_others_without_patient_data(api):
    org, prov, tps, case = shared_case(api)
    org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))
    msg = post(tps, case.id, "Please check the IPR on 31/41.")
    mails = outbox(api, "new_message")
    assert [(r.recipient_email, r.payload["message_id"]) for r in mails] == [("provider_a@smile.test", msg.id)]
    assert mails[0].payload["patient_first_name"] == "Ada"
    assert "Lovelace" not in str(mails[0].payload) and "IPR" not in str(mails[0].payload)
