"""The documents bench/http_reads.py sends: a parent's app session, and a staff overview."""

TYPENAME = "{ __typename }"

# Children with group, location, guardians and consents (the app's home screen).
CHILDREN = """
query Children {
  children(first: 20) {
    totalCount
    edges { node {
      id name firstName birthDate
      group { id name location { id name } }
      location { id name street city phone }
      guardians { id name email phone }
      consents { kind granted changedAt changedBy }
    } }
  }
}
"""

# A month of one child's agenda.
AGENDA = """
query Agenda($childId: ID!, $from: Date!, $to: Date!) {
  agenda(childId: $childId, from: $from, to: $to) {
    from to
    child { id name }
    days {
      date state kind startTime endTime hours creditedSwapHours absenceReason closedReason
      group { id name }
      request { id status }
    }
  }
}
"""

THREADS = """
query Threads {
  threads(first: 20) {
    totalCount
    edges { node {
      id subject createdAt lastMessageAt unreadCount
      child { id name }
      group { id name }
      startedBy { name role }
      lastMessage { id body sentAt isOwn author { name role } }
    } }
  }
}
"""

REQUESTS = """
query Requests {
  requests(first: 20) {
    totalCount
    edges { node {
      id kind payment comment createdAt status statusChangedAt hours createdBy
      child { id name }
      group { id name }
      days { date startTime endTime hours slotName }
    } }
  }
}
"""

NOTIFICATIONS = """
query Notifications {
  notifications(first: 20) {
    totalCount
    edges { node {
      id kind createdAt category isRead
      child { id name }
      group { id name }
      thread { id subject }
    } }
  }
}
"""

# A staff member's view of all their children, everything the overview screen shows.
STAFF_CHILDREN = """
query StaffChildren {
  children(first: 100) {
    totalCount
    edges { node {
      id firstName lastName name birthDate
      group {
        id name capacity
        location { id name city }
        slots { name startTime endTime }
        staff { id name }
      }
      location { id name street city }
      placements {
        id careType startDate endDate status flexHoursPot
        group { id name location { id name } }
        schedule { weekday startTime endTime }
      }
      guardians { id name email phone children { id name group { id name } } }
      consents { kind granted changedAt changedBy }
      consentHistory { kind granted changedAt changedBy }
    } }
  }
}
"""

# Only the number of children each staff member sees: to pick the one who sees most.
CHILD_COUNT = "{ children(first: 1) { totalCount } }"

# A guardian's absence report, so the requests screen has something to show.
REPORT_ABSENCE = """
mutation Absent($input: ReportAbsenceInput!) {
  reportAbsence(input: $input) { requests { id } errors { code message } }
}
"""
