# moveo-reports, English. Every key here must exist in every catalogue (a test checks).
# Numbers reach these messages already formatted; `$n` is only for choosing a plural.

## Dates

month_1 = January
month_2 = February
month_3 = March
month_4 = April
month_5 = May
month_6 = June
month_7 = July
month_8 = August
month_9 = September
month_10 = October
month_11 = November
month_12 = December
month_short_1 = Jan
month_short_2 = Feb
month_short_3 = Mar
month_short_4 = Apr
month_short_5 = May
month_short_6 = Jun
month_short_7 = Jul
month_short_8 = Aug
month_short_9 = Sep
month_short_10 = Oct
month_short_11 = Nov
month_short_12 = Dec
weekday_1 = Monday
weekday_2 = Tuesday
weekday_3 = Wednesday
weekday_4 = Thursday
weekday_5 = Friday
weekday_6 = Saturday
weekday_7 = Sunday
weekdays_1 = Mondays
weekdays_2 = Tuesdays
weekdays_3 = Wednesdays
weekdays_4 = Thursdays
weekdays_5 = Fridays
weekdays_6 = Saturdays
weekdays_7 = Sundays
weekday_short_1 = Mon
weekday_short_2 = Tue
weekday_short_3 = Wed
weekday_short_4 = Thu
weekday_short_5 = Fri
weekday_short_6 = Sat
weekday_short_7 = Sun
date_day_month = { $day } { $month }
date_long = { $day } { $month } { $year }
date_weekday = { $weekday } { $day } { $month }
date_month_year = { $month } { $year }
date_range = { $first } – { $last }
date_range_same_year = { $first } – { $last } { $year }
date_range_same_month = { $first }–{ $last } { $month } { $year }
date_week_of = Week of { $date }
date_time = { $date }, { $time } { $zone }

## Formats

unit_pp = pp
change_new = new
demo_mark = Demo data
brand_default = Moveo.AI analytics
busiest_none = no messages
kind_weekly = Weekly report
kind_monthly = Monthly report
kind_custom = Report

## Headline figures

kpi_sessions = Sessions
kpi_users = Users
kpi_messages = User messages
kpi_messages_per_session = Messages per session
kpi_avg_response = Avg response time
kpi_median_response = Median response time
kpi_first_response = Avg first response
kpi_agent_replies = Agent replies
kpi_closed_sessions = Closed by agents
kpi_ratings = Ratings
kpi_avg_rating = Avg rating
kpi_share_above_3 = Ratings above 3
kpi_containment = Containment
kpi_coverage = Coverage

## Day table, CSV and workbook columns

col_day = Day
col_week = Week
col_sessions = Sessions
col_users = Users
col_messages = Messages
col_agent_replies = Agent replies
col_closed = Closed
col_avg_response = Avg response
col_ratings = Ratings
col_avg_rating = Avg rating

## Goals

goal_above = { $distance } above
goal_short = { $distance } short
goal_under = { $distance } under
goal_over = { $distance } over

## Highlights

hl_kpi_above = { $label }: { $value }, well above the usual { $usual } (the median of the previous { $n } { $steps ->
        [months] months
       *[weeks] weeks
    }; { $change }).
hl_kpi_below = { $label }: { $value }, well below the usual { $usual } (the median of the previous { $n } { $steps ->
        [months] months
       *[weeks] weeks
    }; { $change }).
hl_day = { $day } had { $sessions } sessions, { $factor }× a usual { $weekday } (median { $usual } over the { $n } { $weekdays } before).
hl_intent_rose = Intent “{ $intent }” rose from { $before } to { $now } ({ $change }).
hl_intent_fell = Intent “{ $intent }” fell from { $before } to { $now } ({ $change }).
hl_goal_missed = Goal missed: { $label } was { $actual } against a target of { $target } ({ $distance }).
hl_goals_met = { $n ->
        [one] Goal met
       *[other] Goals met
    }: { $list }.
hl_ai_agent_rise = Most of the rise in AI-agent sessions ({ $total }) came from one AI agent, { $agent } ({ $change }, { $share } of the change).
hl_ai_agent_drop = Most of the drop in AI-agent sessions ({ $total }) came from one AI agent, { $agent } ({ $change }, { $share } of the change).
hl_too_little = Too little traffic for highlights: { $sessions } { $n ->
        [one] session
       *[other] sessions
    } in this period (highlights need { $min } or more).
hl_nothing_unusual = Nothing unusual: no day stood out against the same weekday before, and no intent with { $volume }+ uses moved by a factor of { $factor } or more.
hl_nothing_unusual_trend = Nothing unusual: every headline figure is within its usual range of the previous { $steps ->
        [months] months
       *[weeks] weeks
    }, no day stood out against the same weekday before, and no intent with { $volume }+ uses moved by a factor of { $factor } or more.
date_month_short_year = { $month } { $year }

## AI agents

ai_all_sessions = All sessions
ai_contained = Contained
ai_not_contained = Not contained
ai_covered = Covered
ai_not_covered = Not covered
ai_explained = Containment is the share of AI-agent sessions that ended without a hand-over to a person. Coverage is the share of the AI agent's answers that came from what it was trained on rather than its fallback (the Unknown flow).

## What a report could not show

check_hint = The report's owner can run `moveo-reports check` to see which queries fit this account; a corrected query file (in MOVEO_QUERIES_DIR, or under queries/ in the report bucket on AWS) brings a section back without a rebuild.
section_kpis = Key figures
section_activity = Sessions, users and messages chart
section_intents = Top intents
section_response_times = Response times chart
section_agent_replies = Agent replies chart
section_ratings = Ratings chart
section_ratings_summary = Ratings summary
section_quotes = Feedback quotes
section_messages_per_hour = Messages per hour
section_daily = Day-by-day table
section_agents = Human agents
section_ai_agents = AI agents: containment and coverage
section_ai_duration = AI-agent session duration
section_ai_messages = AI-agent messages per session
section_ai_distribution = User messages per AI-agent session
kpi_unknown = Key figure
field_sessions_total = Sessions
field_users_total = Users
field_messages_total = User messages
field_sessions = Sessions per day
field_users = Users per day
field_messages = Messages per day
field_agent_replies = Agent replies
field_open_closed = Closed sessions
field_response_times = Response times per day
field_response_overall = Response times
field_ratings = Ratings
field_feedback = Rating feedback
field_top_intents = Top intents
field_hourly = Messages per hour
field_agents = Human agents
field_ai_agents = AI agents performance
field_ai_counts = Sessions per AI agent
field_ai_duration = AI-agent session duration
field_ai_messages = AI-agent messages per session
field_ai_distribution = AI-agent message distribution
coverage_column = the { $column } column
coverage_left_out = Left out: { $list } ({ $query } was rejected; see the note at the top).
coverage_unfiltered = { $figure }: not filtered by { $filters } ({ $query } takes no such argument).
coverage_key_figures = Key figures ({ $list })
coverage_day_columns = the day-by-day { $list } column
coverage_gap_unreadable = { $sections }: left out because Moveo's answer to the query { $query } ({ $file }) could not be read: { $reason }
coverage_gap_rejected = { $sections }: left out because Moveo rejected the query { $query } ({ $file }): { $reason }

## Charts: titles, axes and what each one says (alt text)

chart_activity = Sessions, users and messages { $per ->
        [week] per week
       *[day] per day
    }
chart_intents = Top intents
chart_response_times = Response times (minutes)
chart_agent_replies = Human agent replies { $per ->
        [week] per week
       *[day] per day
    }
chart_ratings = Ratings
chart_messages_per_hour = User messages per hour of the week
chart_ai_distribution = User messages per AI-agent session
axis_minutes = minutes
axis_replies = replies
axis_ratings = ratings
axis_sessions = sessions
axis_user_messages_in_session = user messages in the session
axis_stars = { $stars ->
        [one] { $stars } star
       *[other] { $stars } stars
    }
series_first_response = First response
series_average = Average
series_median = Median
alt_activity = Three line charts, each on its own scale: { $sessions } sessions, { $users } users and { $messages } user messages over { $n } { $per ->
        [week] weeks
       *[day] days
    }.
alt_intents = Bar chart of the top { $n } intents; the most used is { $intent } with { $count }.
alt_intents_none = No intents were recognised in this period.
alt_response_times = Line chart of average, median and first response times { $per ->
        [week] per week
       *[day] per day
    }; average over the period { $average }.
alt_agent_replies = Bar chart: { $replies } agent replies in the period.
alt_ratings = Bar chart of ratings from 1 to 5: { $counts }.
alt_ratings_count = { $count } × { $stars ->
        [one] { $stars } star
       *[other] { $stars } stars
    }
alt_messages_per_hour = Heat map of messages by weekday and hour; busiest: { $busiest }.
alt_ai_distribution = Bar chart of AI-agent sessions by number of user messages; most sessions ({ $share }) had { $messages } { $n ->
        [one] message
       *[other] messages
    }.
alt_trend = { $figure } over the last { $n } periods: { $values }.

## CSV and workbook

csv_chart = chart
csv_series = series
csv_label = label
csv_value = value
xlsx_key_figures = Key figures
xlsx_figure = Figure
xlsx_this_period = This period
xlsx_previous_period = Previous period
xlsx_unit = Unit
xlsx_unit_count = count
xlsx_unit_ratio = ratio
xlsx_unit_rating = rating 1–5
xlsx_unit_share = share
xlsx_by_week = By week
xlsx_by_day = By day
xlsx_avg_response_min = Avg response (min)
xlsx_week_of = Week of
xlsx_month = Month
xlsx_intent = Intent
xlsx_uses = Uses
xlsx_share = Share
xlsx_trends = Trends
xlsx_ai_agents = AI agents
xlsx_ai_agent = AI agent
xlsx_ai_messages = AI messages per session
xlsx_rating = Rating
xlsx_count = Count
xlsx_weekday = Weekday
dates_line = { $first } to { $last } ({ $zone }), compared with { $previous }
generated_line = Generated { $at } by moveo-reports from { $source } data for account { $account }.
trend_note = Small lines: the last { $n } { $steps ->
        [months] months
       *[weeks] weeks
    }, this one marked.
gaps_intro = Moveo rejected { $n ->
        [one] one query
       *[other] { $n } queries
    }, so these sections are left out:
ratings_count = { $count } { $n ->
        [one] rating
       *[other] ratings
    }
ratings_average = , average { $average } / 5
ratings_above_3 = , { $share } above 3
stars_label = { $stars } of 5 stars

## Fixed words of the email, the HTML report and the PDF

demo_title = Demo data.
demo_text = These numbers come from moveo-reports' built-in demo source, not from a Moveo account.
gaps_title = Part of this report is missing.
query = query
highlights = Highlights
vs = vs
note = Note:
goals = Goals
goal = Goal
target = Target
actual = Actual
status = Status
goal_met = met
goal_missed = missed
no_data = no data
ai_agents = AI agents
ai_agent = AI agent
avg_duration = Avg duration
avg_user_messages = Avg user messages
change = Change
rank = Rank
before = before
agent = Agent
replies = Replies
pdf_attached = The full report is attached as a PDF.
view_online = View the full report online
busiest_hour = Busiest hour
account = account
week_by_week = Week by week
day_by_day = Day by day
ratings_and_feedback = Ratings and feedback
page = page

## Chat messages (Slack, Teams)

chat_compared_with = Compared with
chat_demo = made from built-in demo data
chat_missing = Part of this report is missing
chat_open_report = Open the report (PDF)

## Data not complete when the report was made

partial_title = Partial data.
partial_data = When this report was made, Moveo had no sessions yet for { $day } (a usual { $weekday } has { $usual }), so that day's figures are likely incomplete.
