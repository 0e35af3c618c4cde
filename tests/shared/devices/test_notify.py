from shared.devices.notify import Channel, InAppInbox, Notifier, plyer_backend


def test_falls_back_to_in_app_where_plyer_has_no_implementation() -> None:
    calls = []

    def no_platform(*args: object) -> None:
        calls.append(args)
        raise NotImplementedError("No usable implementation found!")

    n = Notifier(backend=no_platform, lang="en")
    first = n.notify(
        ("到店提醒", "Welcome in"), ("会员专享券已到账", "Your member coupon is ready"), data={"store": 7}
    )
    second = n.notify("notify.in_app", "plain text body")
    assert first.channel == Channel.IN_APP and first.title == "Welcome in" and first.data == {"store": 7}
    assert second.title == "System notifications unavailable; shown in the app"
    assert n.system_available is False and "NotImplementedError" in (n.last_error or "")
    assert len(calls) == 1
    assert [x.id for x in n.inbox.unread()] == [first.id, second.id]
    n.inbox.mark_read(first.id)
    assert [x.id for x in n.inbox.unread()] == [second.id]


def test_system_notification_when_available() -> None:
    shown = []
    inbox = InAppInbox()
    got = []
    unsubscribe = inbox.subscribe(got.append)
    n = Notifier(inbox=inbox, backend=lambda t, b, app, timeout: shown.append((t, b, app)), lang="zh")
    notice = n.notify(("取货码已生成", "Pickup code ready"), ("请到门店出示", "Show it at the store"))
    assert notice.channel == Channel.SYSTEM and shown == [("取货码已生成", "请到门店出示", "OMO")]
    assert len(inbox) == 0 and got == []
    n.mirror_in_app = True
    n.notify("a", "b")
    assert len(got) == 1
    unsubscribe()
    n.notify("c", "d")
    assert len(got) == 1


def test_real_plyer_on_this_machine_never_raises() -> None:
    n = Notifier(backend=plyer_backend, lang="en")
    notice = n.notify("OMO", "test")
    assert notice.channel in (Channel.SYSTEM, Channel.IN_APP)
    assert (notice.channel == Channel.IN_APP) == (len(n.inbox) == 1)


def test_inbox_keeps_the_latest() -> None:
    n = Notifier(inbox=InAppInbox(limit=3), backend=None)
    for i in range(5):
        n.notify(f"t{i}", "b")
    assert [x.title for x in n.inbox.unread()] == ["t2", "t3", "t4"]


def test_installed_features_are_reported() -> None:
    from shared.devices import installed

    assert installed() == {"scanner": True, "beacons": True, "tryon": True, "notify": True}
