"""Discussion pages: boards, threads, replies, editing, moderation, following.

Thin: parse, ask courses.permissions (404 for a cohort the person does not belong to, 403 for a
moderation they may not do), call courses.services.discussions, show its refusal or redirect.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from content.models import ModulePage
from courses import discussion_selectors as selectors
from courses.discussion_forms import (
    BoardFilterForm,
    EditPostForm,
    ReasonForm,
    ReplyForm,
    SearchForm,
    ThreadForm,
)
from courses.exceptions import DomainError, InvalidInput, NotAllowed
from courses.models import Board, FieldTag, Post, PostReport, Thread, ThreadKind
from courses.permissions import (
    access_cohort,
    access_post,
    access_thread,
    is_school_staff,
    require_moderator,
    user_can_edit_post,
    user_can_mark_answer,
    user_can_moderate,
    user_can_post,
    user_can_see_history,
    user_sees_hidden,
    user_teaches,
)
from courses.services import discussions as service

POST_RATE = getattr(settings, "LMS_DISCUSSION_POST_RATE", "10/m")


def _signed_in(view):
    """Anonymous visitors are sent to sign in (for any id, so nothing is revealed)."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _too_fast(request) -> bool:
    return is_ratelimited(request, group="post", key="user", rate=POST_RATE, increment=True)


TOO_FAST = _("Bạn đang gửi bài quá nhanh. Hãy chờ một phút rồi gửi lại; nội dung vẫn còn trong ô.")


def _module_of(cohort, module_id: int | None) -> ModulePage | None:
    if module_id is None:
        return None
    module = ModulePage.objects.child_of(cohort.program).filter(pk=module_id).first()
    if module is None:
        raise Http404(_("Chuyên đề này không thuộc chương trình của lớp."))
    return module


def _board_url(cohort, module) -> str:
    if module is None:
        return reverse("courses:discussion_board_general", args=[cohort.code])
    return reverse("courses:discussion_board_module", args=[cohort.code, module.pk])


def thread_url(thread: Thread, page: int = 1, post_id: int | None = None) -> str:
    url = reverse("courses:discussion_thread", args=[thread.pk])
    if page > 1:
        url += f"?trang={page}"
    if post_id:
        url += f"#bai-{post_id}"
    return url


# --- Cohort discussions, boards ----------------------------------------------------------------


@_signed_in
def discussions_home(request, code: str):
    cohort = access_cohort(request.user, code)
    moderator = user_can_moderate(request.user, cohort)
    search = SearchForm(request.GET or None)
    results = None
    if search.is_valid() and search.cleaned_data["q"]:
        results = selectors.page_of(
            selectors.search_threads(
                cohort, request.user, search.cleaned_data["q"], moderator=moderator
            ),
            request.GET.get("trang"),
            selectors.THREADS_PER_PAGE,
        )
    return render(
        request,
        "courses/discussions/home.html",
        {
            "cohort": cohort,
            "boards": [
                (row, _board_url(cohort, row.module)) for row in selectors.boards_of(cohort)
            ],
            "search": search,
            "results": results,
            "search_query": urlencode({"q": search.cleaned_data["q"]}) if results else "",
            "moderator": moderator,
            "teaches": user_teaches(request.user, cohort) or is_school_staff(request.user),
        },
    )


@_signed_in
def board_page(request, code: str, module_id: int | None = None):
    cohort = access_cohort(request.user, code)
    module = _module_of(cohort, module_id)
    board = Board.objects.filter(cohort=cohort, module=module).first()
    moderator = user_can_moderate(request.user, cohort)
    filters = BoardFilterForm(request.GET or None)
    kind = tag = ""
    if filters.is_valid():
        kind, tag = filters.cleaned_data["loai"], filters.cleaned_data["linh_vuc"]
    threads = selectors.page_of(
        selectors.threads_of_board(board, request.user, moderator=moderator, kind=kind, tag=tag),
        request.GET.get("trang"),
        selectors.THREADS_PER_PAGE,
    )
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "courses/discussions/board.html",
        {
            "cohort": cohort,
            "module": module,
            "board_title": Board(cohort=cohort, module=module).title,
            "threads": threads,
            "filters": filters,
            "filter_query": query.urlencode(),
            "new_url": _new_thread_url(cohort, module),
            "moderator": moderator,
        },
    )


def _new_thread_url(cohort, module) -> str:
    if module is None:
        return reverse("courses:discussion_new_general", args=[cohort.code])
    return reverse("courses:discussion_new_module", args=[cohort.code, module.pk])


@_signed_in
def new_thread(request, code: str, module_id: int | None = None):
    cohort = access_cohort(request.user, code)
    module = _module_of(cohort, module_id)
    status = 200
    if request.method == "POST":
        form = ThreadForm(request.POST)
        if _too_fast(request):
            form.add_error(None, TOO_FAST)
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                thread = service.start_thread(
                    actor=request.user,
                    cohort=cohort,
                    module=module,
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                    form_token=data["form_token"],
                )
            except DomainError as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal)
            else:
                messages.success(request, _("Đã đăng chủ đề. Bạn sẽ nhận thư khi có trả lời."))
                return redirect(thread_url(thread))
        status = status if status != 200 else 400
    else:
        form = ThreadForm(initial=_initial_thread(request))
    return render(
        request,
        "courses/discussions/new_thread.html",
        {
            "cohort": cohort,
            "module": module,
            "board_title": Board(cohort=cohort, module=module).title,
            "board_url": _board_url(cohort, module),
            "form": form,
        },
        status=status,
    )


def _initial_thread(request) -> dict:
    """From a case-question block: kind "case", its fields ticked, the prompt quoted."""
    kind = request.GET.get("loai", "")
    initial: dict = {"kind": kind if kind in ThreadKind.values else ThreadKind.DISCUSSION}
    tags = [tag for tag in request.GET.getlist("linh-vuc") if tag in FieldTag.values]
    if tags:
        initial["tags"] = tags
    prompt = " ".join(request.GET.get("cau-hoi", "").split())[:1000]
    if prompt:
        # Shown in a textarea (escaped) and sanitised on save like anything typed.
        initial["body"] = f"<blockquote>{prompt}</blockquote>\n\n"
    return initial


# --- Thread ----------------------------------------------------------------------------------


@_signed_in
def thread_page(request, thread_id: int):
    thread = access_thread(request.user, thread_id)
    cohort = thread.board.cohort
    user = request.user
    moderator = user_can_moderate(user, cohort)
    if thread.hidden and not user_sees_hidden(user, cohort, thread.author_id):
        return render(request, "courses/discussions/thread_hidden.html", {"thread": thread})
    if "trang" not in request.GET:
        unread = selectors.first_unread(thread, user)
        if unread is not None:
            page = selectors.page_number_of(thread, unread)
            return HttpResponseRedirect(
                reverse("courses:discussion_thread", args=[thread.pk])
                + f"?trang={page}#bai-{unread.pk}"
            )
    posts = selectors.posts_page(thread, request.GET.get("trang"))
    rows = list(posts.object_list)
    for post in rows:
        post.thread = thread  # the permission helpers read post.thread.board.cohort: no query
        post.shown = not post.hidden or user_sees_hidden(user, cohort, post.author_id)
        post.can_edit = user_can_edit_post(user, post) if post.shown else False
        post.can_see_history = post.edited_at is not None and user_can_see_history(user, post)
    if rows:
        service.mark_read(user=user, thread=thread, post_id=max(post.pk for post in rows))
    can_post = user_can_post(user, thread)
    return render(
        request,
        "courses/discussions/thread.html",
        {
            "thread": thread,
            "cohort": cohort,
            "board_title": thread.board.title,
            "board_url": _board_url(cohort, thread.board.module),
            "posts": posts,
            "rows": rows,
            "moderator": moderator,
            "can_post": can_post,
            "can_mark_answer": user_can_mark_answer(user, thread),
            "following": selectors.is_following(thread, user),
            "reply_form": ReplyForm() if can_post else None,
            "reason_form": ReasonForm(),
        },
    )


@_signed_in
def post_link(request, post_id: int):
    """A stable address of one post (used in e-mails): its page of the thread and its anchor."""
    post = access_post(request.user, post_id)
    page = selectors.page_number_of(post.thread, post)
    return redirect(thread_url(post.thread, page, post.pk))


@_signed_in
def reply(request, thread_id: int):
    """GET ?tra-loi=<post>: the reply form under that post; POST: add the reply."""
    thread = access_thread(request.user, thread_id)
    cohort = thread.board.cohort
    if thread.hidden and not user_sees_hidden(request.user, cohort, thread.author_id):
        raise Http404
    parent = None
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if _too_fast(request):
            form.add_error(None, TOO_FAST)
            status = 429
        elif form.is_valid():
            parent_id = form.cleaned_data["parent"]
            try:
                if parent_id:
                    parent = Post.objects.filter(pk=parent_id).first()
                    if parent is None or parent.thread_id != thread.pk:
                        raise InvalidInput(_("Bài viết bạn trả lời không thuộc chủ đề này."))
                post = service.reply(
                    actor=request.user,
                    thread=thread,
                    body=form.cleaned_data["body"],
                    parent=parent,
                    form_token=form.cleaned_data["form_token"],
                )
            except DomainError as refusal:
                form.add_error("body" if refusal.field == "body" else None, refusal)
            else:
                messages.success(request, _("Đã gửi trả lời."))
                page = selectors.page_number_of(thread, post)
                return redirect(thread_url(thread, page, post.pk))
        status = status if status != 200 else 400
    else:
        parent_id = request.GET.get("tra-loi", "")
        if parent_id.isdigit():
            parent = (
                Post.objects.select_related("author")
                .filter(pk=int(parent_id), thread=thread, hidden=False)
                .first()
            )
        form = ReplyForm(initial={"parent": parent.pk if parent else None})
    return render(
        request,
        "courses/discussions/reply.html",
        {
            "thread": thread,
            "cohort": cohort,
            "parent": parent,
            "form": form,
            "can_post": user_can_post(request.user, thread),
        },
        status=status,
    )


@_signed_in
def edit_post(request, post_id: int):
    post = access_post(request.user, post_id)
    if not user_can_edit_post(request.user, post):
        raise PermissionDenied(
            _("Bạn chỉ sửa được bài của chính mình, khi chủ đề còn mở và bài chưa bị ẩn.")
        )
    status = 200
    if request.method == "POST":
        form = EditPostForm(request.POST)
        if form.is_valid():
            try:
                service.edit_post(
                    actor=request.user,
                    post=post,
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data["title"] if post.is_opening else None,
                )
            except DomainError as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal)
            else:
                messages.success(request, _("Đã lưu bài viết; bản trước được giữ trong lịch sử."))
                return redirect("courses:discussion_post", post.pk)
        status = 400
    else:
        form = EditPostForm(initial={"body": post.body_raw, "title": post.thread.title})
    if not post.is_opening:
        form.fields.pop("title")
    return render(
        request,
        "courses/discussions/edit.html",
        {"post": post, "thread": post.thread, "form": form},
        status=status,
    )


@_signed_in
def post_history(request, post_id: int):
    post = access_post(request.user, post_id)
    if not user_can_see_history(request.user, post):
        raise PermissionDenied(_("Chỉ người viết và người kiểm duyệt xem được lịch sử sửa."))
    return render(
        request,
        "courses/discussions/history.html",
        {
            "post": post,
            "thread": post.thread,
            "revisions": post.revisions.select_related("edited_by"),
        },
    )


# --- Moderation and reports ---------------------------------------------------------------------


@_signed_in
@require_POST
def moderate_post(request, post_id: int):
    post = access_post(request.user, post_id)
    require_moderator(request.user, post.thread.board.cohort)
    form = ReasonForm(request.POST)
    form.is_valid()
    hide = request.POST.get("action") == "hide"
    try:
        service.set_post_hidden(
            actor=request.user, post=post, hidden=hide, reason=form.cleaned_data.get("reason", "")
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Đã ẩn bài viết.") if hide else _("Đã hiện lại bài viết."))
    return redirect("courses:discussion_post", post.pk)


@_signed_in
@require_POST
def report_post(request, post_id: int):
    post = access_post(request.user, post_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        service.report_post(
            actor=request.user, post=post, reason=form.cleaned_data.get("reason", "")
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Đã gửi báo cáo tới giảng viên của lớp. Cảm ơn bạn."))
    return redirect("courses:discussion_post", post.pk)


_THREAD_ACTIONS = {
    "lock": (service.set_thread_locked, "locked", True, _("Đã khóa chủ đề.")),
    "unlock": (service.set_thread_locked, "locked", False, _("Đã mở khóa chủ đề.")),
    "pin": (service.set_thread_pinned, "pinned", True, _("Đã ghim chủ đề.")),
    "unpin": (service.set_thread_pinned, "pinned", False, _("Đã bỏ ghim chủ đề.")),
    "hide": (service.set_thread_hidden, "hidden", True, _("Đã ẩn chủ đề.")),
    "unhide": (service.set_thread_hidden, "hidden", False, _("Đã hiện lại chủ đề.")),
}


@_signed_in
@require_POST
def moderate_thread(request, thread_id: int):
    thread = access_thread(request.user, thread_id)
    require_moderator(request.user, thread.board.cohort)
    action = _THREAD_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Hãy chọn một thao tác kiểm duyệt."))
        return redirect(thread_url(thread))
    function, flag, value, done = action
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        function(
            actor=request.user,
            thread=thread,
            reason=form.cleaned_data.get("reason", ""),
            **{flag: value},
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, str(done))
    return redirect(thread_url(thread))


@_signed_in
@require_POST
def choose_answer(request, thread_id: int):
    thread = access_thread(request.user, thread_id)
    post_id = request.POST.get("post", "")
    post = None
    if post_id.isdigit():
        post = Post.objects.filter(pk=int(post_id)).first()
        if post is None:
            raise Http404
    try:
        service.mark_answer(actor=request.user, thread=thread, post=post)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("Đã chọn câu trả lời.") if post else _("Đã bỏ chọn câu trả lời.")
        )
    return redirect(thread_url(thread, post_id=post.pk if post else None))


@_signed_in
def moderation_queue(request, code: str):
    cohort = access_cohort(request.user, code)
    require_moderator(request.user, cohort)
    if request.method == "POST":
        report = get_object_or_404(
            PostReport.objects.select_related("post__thread__board__cohort"),
            pk=request.POST.get("report") or 0,
            post__thread__board__cohort=cohort,
        )
        service.resolve_report(actor=request.user, report=report)
        messages.success(request, _("Đã đánh dấu báo cáo là đã xử lý."))
        return redirect("courses:discussion_moderation", cohort.code)
    from courses.models import ModerationAction

    return render(
        request,
        "courses/discussions/moderation.html",
        {
            "cohort": cohort,
            "reports": list(selectors.open_reports(cohort)),
            "actions": ModerationAction.objects.filter(thread__board__cohort=cohort)
            .select_related("actor", "thread", "post")
            .order_by("-at", "-pk")[:50],
        },
    )


@_signed_in
def unanswered(request):
    """Questions still waiting for an answer in the cohorts one teaches (all, for staff)."""
    if not is_school_staff(request.user) and not selectors.cohorts_taught_by(request.user).exists():
        raise PermissionDenied(_("Trang này dành cho giảng viên và nhà trường."))
    questions = selectors.page_of(
        selectors.unanswered_questions(request.user),
        request.GET.get("trang"),
        selectors.THREADS_PER_PAGE,
    )
    return render(request, "courses/discussions/unanswered.html", {"questions": questions})


# --- Following ---------------------------------------------------------------------------------


@_signed_in
@require_POST
def follow_thread(request, thread_id: int):
    thread = access_thread(request.user, thread_id)
    if request.POST.get("action") == "unfollow":
        service.unfollow(user=request.user, thread=thread)
        messages.success(request, _("Bạn đã bỏ theo dõi chủ đề này."))
    else:
        try:
            service.follow(actor=request.user, thread=thread)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Bạn sẽ nhận thư khi có trả lời mới trong chủ đề này."))
    return redirect(thread_url(thread))


@csrf_exempt
def unfollow_by_link(request, token: str):
    """The link in every notification: works without signing in.

    GET shows a page with one button; POST unfollows. A GET never changes anything, because mail
    scanners and link previews open links in e-mails on their own and would unfollow people
    silently. POST is exempt from CSRF because it carries no ambient credential: the signed
    token in the address is the whole authority, and RFC 8058 mail clients POST to it directly.
    Unfollowing twice is harmless.
    """
    pair = service.read_unfollow_token(token)
    if pair is None:
        raise Http404(_("Đường dẫn bỏ theo dõi không hợp lệ."))
    user_id, thread_id = pair
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None:
        raise Http404(_("Đường dẫn bỏ theo dõi không hợp lệ."))
    done = False
    if request.method == "POST":
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=user_id).first()
        if user is not None:
            service.unfollow(user=user, thread=thread)
        done = True
    return render(
        request,
        "courses/discussions/unfollow.html",
        {"thread_title": thread.title, "done": done},
    )


urlpatterns = [
    path("lop/<str:code>/thao-luan/", discussions_home, name="discussions"),
    path("lop/<str:code>/thao-luan/chung/", board_page, name="discussion_board_general"),
    path(
        "lop/<str:code>/thao-luan/chuyen-de/<int:module_id>/",
        board_page,
        name="discussion_board_module",
    ),
    path("lop/<str:code>/thao-luan/chung/moi/", new_thread, name="discussion_new_general"),
    path(
        "lop/<str:code>/thao-luan/chuyen-de/<int:module_id>/moi/",
        new_thread,
        name="discussion_new_module",
    ),
    path("lop/<str:code>/thao-luan/kiem-duyet/", moderation_queue, name="discussion_moderation"),
    path("thao-luan/chu-de/<int:thread_id>/", thread_page, name="discussion_thread"),
    path("thao-luan/chu-de/<int:thread_id>/tra-loi/", reply, name="discussion_reply"),
    path("thao-luan/chu-de/<int:thread_id>/quan-ly/", moderate_thread, name="discussion_moderate"),
    path("thao-luan/chu-de/<int:thread_id>/cau-tra-loi/", choose_answer, name="discussion_answer"),
    path("thao-luan/chu-de/<int:thread_id>/theo-doi/", follow_thread, name="discussion_follow"),
    path("thao-luan/bai/<int:post_id>/", post_link, name="discussion_post"),
    path("thao-luan/bai/<int:post_id>/sua/", edit_post, name="discussion_edit"),
    path("thao-luan/bai/<int:post_id>/lich-su/", post_history, name="discussion_history"),
    path("thao-luan/bai/<int:post_id>/an/", moderate_post, name="discussion_hide_post"),
    path("thao-luan/bai/<int:post_id>/bao-cao/", report_post, name="discussion_report"),
    path("thao-luan/cau-hoi-chua-tra-loi/", unanswered, name="discussion_unanswered"),
    path("thao-luan/bo-theo-doi/<str:token>/", unfollow_by_link, name="discussion_unfollow"),
]
