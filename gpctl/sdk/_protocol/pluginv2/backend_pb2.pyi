from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DataFrameFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ARROW: _ClassVar[DataFrameFormat]
    JSON: _ClassVar[DataFrameFormat]
ARROW: DataFrameFormat
JSON: DataFrameFormat

class AppInstanceSettings(_message.Message):
    __slots__ = ("jsonData", "decryptedSecureJsonData", "lastUpdatedMS", "apiVersion")
    class DecryptedSecureJsonDataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    JSONDATA_FIELD_NUMBER: _ClassVar[int]
    DECRYPTEDSECUREJSONDATA_FIELD_NUMBER: _ClassVar[int]
    LASTUPDATEDMS_FIELD_NUMBER: _ClassVar[int]
    APIVERSION_FIELD_NUMBER: _ClassVar[int]
    jsonData: bytes
    decryptedSecureJsonData: _containers.ScalarMap[str, str]
    lastUpdatedMS: int
    apiVersion: str
    def __init__(self, jsonData: _Optional[bytes] = ..., decryptedSecureJsonData: _Optional[_Mapping[str, str]] = ..., lastUpdatedMS: _Optional[int] = ..., apiVersion: _Optional[str] = ...) -> None: ...

class DataSourceInstanceSettings(_message.Message):
    __slots__ = ("id", "name", "url", "user", "database", "basicAuthEnabled", "basicAuthUser", "jsonData", "decryptedSecureJsonData", "lastUpdatedMS", "uid", "apiVersion")
    class DecryptedSecureJsonDataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    BASICAUTHENABLED_FIELD_NUMBER: _ClassVar[int]
    BASICAUTHUSER_FIELD_NUMBER: _ClassVar[int]
    JSONDATA_FIELD_NUMBER: _ClassVar[int]
    DECRYPTEDSECUREJSONDATA_FIELD_NUMBER: _ClassVar[int]
    LASTUPDATEDMS_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    APIVERSION_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    url: str
    user: str
    database: str
    basicAuthEnabled: bool
    basicAuthUser: str
    jsonData: bytes
    decryptedSecureJsonData: _containers.ScalarMap[str, str]
    lastUpdatedMS: int
    uid: str
    apiVersion: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., url: _Optional[str] = ..., user: _Optional[str] = ..., database: _Optional[str] = ..., basicAuthEnabled: _Optional[bool] = ..., basicAuthUser: _Optional[str] = ..., jsonData: _Optional[bytes] = ..., decryptedSecureJsonData: _Optional[_Mapping[str, str]] = ..., lastUpdatedMS: _Optional[int] = ..., uid: _Optional[str] = ..., apiVersion: _Optional[str] = ...) -> None: ...

class User(_message.Message):
    __slots__ = ("login", "name", "email", "role")
    LOGIN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    login: str
    name: str
    email: str
    role: str
    def __init__(self, login: _Optional[str] = ..., name: _Optional[str] = ..., email: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class PluginContext(_message.Message):
    __slots__ = ("orgId", "pluginId", "user", "appInstanceSettings", "dataSourceInstanceSettings", "grafanaConfig", "pluginVersion", "userAgent", "apiVersion", "namespace")
    class GrafanaConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ORGID_FIELD_NUMBER: _ClassVar[int]
    PLUGINID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    APPINSTANCESETTINGS_FIELD_NUMBER: _ClassVar[int]
    DATASOURCEINSTANCESETTINGS_FIELD_NUMBER: _ClassVar[int]
    GRAFANACONFIG_FIELD_NUMBER: _ClassVar[int]
    PLUGINVERSION_FIELD_NUMBER: _ClassVar[int]
    USERAGENT_FIELD_NUMBER: _ClassVar[int]
    APIVERSION_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    orgId: int
    pluginId: str
    user: User
    appInstanceSettings: AppInstanceSettings
    dataSourceInstanceSettings: DataSourceInstanceSettings
    grafanaConfig: _containers.ScalarMap[str, str]
    pluginVersion: str
    userAgent: str
    apiVersion: str
    namespace: str
    def __init__(self, orgId: _Optional[int] = ..., pluginId: _Optional[str] = ..., user: _Optional[_Union[User, _Mapping]] = ..., appInstanceSettings: _Optional[_Union[AppInstanceSettings, _Mapping]] = ..., dataSourceInstanceSettings: _Optional[_Union[DataSourceInstanceSettings, _Mapping]] = ..., grafanaConfig: _Optional[_Mapping[str, str]] = ..., pluginVersion: _Optional[str] = ..., userAgent: _Optional[str] = ..., apiVersion: _Optional[str] = ..., namespace: _Optional[str] = ...) -> None: ...

class StringList(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, values: _Optional[_Iterable[str]] = ...) -> None: ...

class CallResourceRequest(_message.Message):
    __slots__ = ("pluginContext", "path", "method", "url", "headers", "body")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: StringList
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[StringList, _Mapping]] = ...) -> None: ...
    PLUGINCONTEXT_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    pluginContext: PluginContext
    path: str
    method: str
    url: str
    headers: _containers.MessageMap[str, StringList]
    body: bytes
    def __init__(self, pluginContext: _Optional[_Union[PluginContext, _Mapping]] = ..., path: _Optional[str] = ..., method: _Optional[str] = ..., url: _Optional[str] = ..., headers: _Optional[_Mapping[str, StringList]] = ..., body: _Optional[bytes] = ...) -> None: ...

class CallResourceResponse(_message.Message):
    __slots__ = ("code", "headers", "body")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: StringList
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[StringList, _Mapping]] = ...) -> None: ...
    CODE_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    code: int
    headers: _containers.MessageMap[str, StringList]
    body: bytes
    def __init__(self, code: _Optional[int] = ..., headers: _Optional[_Mapping[str, StringList]] = ..., body: _Optional[bytes] = ...) -> None: ...

class TimeRange(_message.Message):
    __slots__ = ("fromEpochMS", "toEpochMS")
    FROMEPOCHMS_FIELD_NUMBER: _ClassVar[int]
    TOEPOCHMS_FIELD_NUMBER: _ClassVar[int]
    fromEpochMS: int
    toEpochMS: int
    def __init__(self, fromEpochMS: _Optional[int] = ..., toEpochMS: _Optional[int] = ...) -> None: ...

class DataQuery(_message.Message):
    __slots__ = ("refId", "maxDataPoints", "intervalMS", "timeRange", "json", "queryType")
    REFID_FIELD_NUMBER: _ClassVar[int]
    MAXDATAPOINTS_FIELD_NUMBER: _ClassVar[int]
    INTERVALMS_FIELD_NUMBER: _ClassVar[int]
    TIMERANGE_FIELD_NUMBER: _ClassVar[int]
    JSON_FIELD_NUMBER: _ClassVar[int]
    QUERYTYPE_FIELD_NUMBER: _ClassVar[int]
    refId: str
    maxDataPoints: int
    intervalMS: int
    timeRange: TimeRange
    json: bytes
    queryType: str
    def __init__(self, refId: _Optional[str] = ..., maxDataPoints: _Optional[int] = ..., intervalMS: _Optional[int] = ..., timeRange: _Optional[_Union[TimeRange, _Mapping]] = ..., json: _Optional[bytes] = ..., queryType: _Optional[str] = ...) -> None: ...

class QueryDataRequest(_message.Message):
    __slots__ = ("pluginContext", "headers", "queries", "format")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLUGINCONTEXT_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    QUERIES_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    pluginContext: PluginContext
    headers: _containers.ScalarMap[str, str]
    queries: _containers.RepeatedCompositeFieldContainer[DataQuery]
    format: DataFrameFormat
    def __init__(self, pluginContext: _Optional[_Union[PluginContext, _Mapping]] = ..., headers: _Optional[_Mapping[str, str]] = ..., queries: _Optional[_Iterable[_Union[DataQuery, _Mapping]]] = ..., format: _Optional[_Union[DataFrameFormat, str]] = ...) -> None: ...

class QueryDataResponse(_message.Message):
    __slots__ = ("responses",)
    class ResponsesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: DataResponse
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[DataResponse, _Mapping]] = ...) -> None: ...
    RESPONSES_FIELD_NUMBER: _ClassVar[int]
    responses: _containers.MessageMap[str, DataResponse]
    def __init__(self, responses: _Optional[_Mapping[str, DataResponse]] = ...) -> None: ...

class DataResponse(_message.Message):
    __slots__ = ("frames", "error", "jsonMeta", "status", "errorSource", "format")
    FRAMES_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    JSONMETA_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERRORSOURCE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    frames: _containers.RepeatedScalarFieldContainer[bytes]
    error: str
    jsonMeta: bytes
    status: int
    errorSource: str
    format: DataFrameFormat
    def __init__(self, frames: _Optional[_Iterable[bytes]] = ..., error: _Optional[str] = ..., jsonMeta: _Optional[bytes] = ..., status: _Optional[int] = ..., errorSource: _Optional[str] = ..., format: _Optional[_Union[DataFrameFormat, str]] = ...) -> None: ...

class QueryChunkedDataRequest(_message.Message):
    __slots__ = ("pluginContext", "headers", "queries", "format")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLUGINCONTEXT_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    QUERIES_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    pluginContext: PluginContext
    headers: _containers.ScalarMap[str, str]
    queries: _containers.RepeatedCompositeFieldContainer[DataQuery]
    format: DataFrameFormat
    def __init__(self, pluginContext: _Optional[_Union[PluginContext, _Mapping]] = ..., headers: _Optional[_Mapping[str, str]] = ..., queries: _Optional[_Iterable[_Union[DataQuery, _Mapping]]] = ..., format: _Optional[_Union[DataFrameFormat, str]] = ...) -> None: ...

class QueryChunkedDataResponse(_message.Message):
    __slots__ = ("refId", "frameId", "frame", "error", "status", "errorSource", "format")
    REFID_FIELD_NUMBER: _ClassVar[int]
    FRAMEID_FIELD_NUMBER: _ClassVar[int]
    FRAME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERRORSOURCE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    refId: str
    frameId: str
    frame: bytes
    error: str
    status: int
    errorSource: str
    format: DataFrameFormat
    def __init__(self, refId: _Optional[str] = ..., frameId: _Optional[str] = ..., frame: _Optional[bytes] = ..., error: _Optional[str] = ..., status: _Optional[int] = ..., errorSource: _Optional[str] = ..., format: _Optional[_Union[DataFrameFormat, str]] = ...) -> None: ...

class CollectMetricsRequest(_message.Message):
    __slots__ = ("pluginContext",)
    PLUGINCONTEXT_FIELD_NUMBER: _ClassVar[int]
    pluginContext: PluginContext
    def __init__(self, pluginContext: _Optional[_Union[PluginContext, _Mapping]] = ...) -> None: ...

class CollectMetricsResponse(_message.Message):
    __slots__ = ("metrics",)
    class Payload(_message.Message):
        __slots__ = ("prometheus",)
        PROMETHEUS_FIELD_NUMBER: _ClassVar[int]
        prometheus: bytes
        def __init__(self, prometheus: _Optional[bytes] = ...) -> None: ...
    METRICS_FIELD_NUMBER: _ClassVar[int]
    metrics: CollectMetricsResponse.Payload
    def __init__(self, metrics: _Optional[_Union[CollectMetricsResponse.Payload, _Mapping]] = ...) -> None: ...

class CheckHealthRequest(_message.Message):
    __slots__ = ("pluginContext", "headers")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLUGINCONTEXT_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    pluginContext: PluginContext
    headers: _containers.ScalarMap[str, str]
    def __init__(self, pluginContext: _Optional[_Union[PluginContext, _Mapping]] = ..., headers: _Optional[_Mapping[str, str]] = ...) -> None: ...

class CheckHealthResponse(_message.Message):
    __slots__ = ("status", "message", "jsonDetails")
    class HealthStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        UNKNOWN: _ClassVar[CheckHealthResponse.HealthStatus]
        OK: _ClassVar[CheckHealthResponse.HealthStatus]
        ERROR: _ClassVar[CheckHealthResponse.HealthStatus]
    UNKNOWN: CheckHealthResponse.HealthStatus
    OK: CheckHealthResponse.HealthStatus
    ERROR: CheckHealthResponse.HealthStatus
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    JSONDETAILS_FIELD_NUMBER: _ClassVar[int]
    status: CheckHealthResponse.HealthStatus
    message: str
    jsonDetails: bytes
    def __init__(self, status: _Optional[_Union[CheckHealthResponse.HealthStatus, str]] = ..., message: _Optional[str] = ..., jsonDetails: _Optional[bytes] = ...) -> None: ...

class SubscribeStreamRequest(_message.Message):
    __slots__ = ("pluginContext", "path", "data", "headers")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLUGINCONTEXT_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    pluginContext: PluginContext
    path: str
    data: bytes
    headers: _containers.ScalarMap[str, str]
    def __init__(self, pluginContext: _Optional[_Union[PluginContext, _Mapping]] = ..., path: _Optional[str] = ..., data: _Optional[bytes] = ..., headers: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SubscribeStreamResponse(_message.Message):
    __slots__ = ("status", "data")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OK: _ClassVar[SubscribeStreamResponse.Status]
        NOT_FOUND: _ClassVar[SubscribeStreamResponse.Status]
        PERMISSION_DENIED: _ClassVar[SubscribeStreamResponse.Status]
    OK: SubscribeStreamResponse.Status
    NOT_FOUND: SubscribeStreamResponse.Status
    PERMISSION_DENIED: SubscribeStreamResponse.Status
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    status: SubscribeStreamResponse.Status
    data: bytes
    def __init__(self, status: _Optional[_Union[SubscribeStreamResponse.Status, str]] = ..., data: _Optional[bytes] = ...) -> None: ...

class PublishStreamRequest(_message.Message):
    __slots__ = ("pluginContext", "path", "data", "headers")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLUGINCONTEXT_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    pluginContext: PluginContext
    path: str
    data: bytes
    headers: _containers.ScalarMap[str, str]
    def __init__(self, pluginContext: _Optional[_Union[PluginContext, _Mapping]] = ..., path: _Optional[str] = ..., data: _Optional[bytes] = ..., headers: _Optional[_Mapping[str, str]] = ...) -> None: ...

class PublishStreamResponse(_message.Message):
    __slots__ = ("status", "data")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OK: _ClassVar[PublishStreamResponse.Status]
        NOT_FOUND: _ClassVar[PublishStreamResponse.Status]
        PERMISSION_DENIED: _ClassVar[PublishStreamResponse.Status]
    OK: PublishStreamResponse.Status
    NOT_FOUND: PublishStreamResponse.Status
    PERMISSION_DENIED: PublishStreamResponse.Status
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    status: PublishStreamResponse.Status
    data: bytes
    def __init__(self, status: _Optional[_Union[PublishStreamResponse.Status, str]] = ..., data: _Optional[bytes] = ...) -> None: ...

class RunStreamRequest(_message.Message):
    __slots__ = ("pluginContext", "path", "data", "headers")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLUGINCONTEXT_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    pluginContext: PluginContext
    path: str
    data: bytes
    headers: _containers.ScalarMap[str, str]
    def __init__(self, pluginContext: _Optional[_Union[PluginContext, _Mapping]] = ..., path: _Optional[str] = ..., data: _Optional[bytes] = ..., headers: _Optional[_Mapping[str, str]] = ...) -> None: ...

class StreamPacket(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    def __init__(self, data: _Optional[bytes] = ...) -> None: ...

class GroupVersionKind(_message.Message):
    __slots__ = ("group", "version", "kind")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    group: str
    version: str
    kind: str
    def __init__(self, group: _Optional[str] = ..., version: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class AdmissionRequest(_message.Message):
    __slots__ = ("pluginContext", "operation", "kind", "object_bytes", "old_object_bytes")
    class Operation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CREATE: _ClassVar[AdmissionRequest.Operation]
        UPDATE: _ClassVar[AdmissionRequest.Operation]
        DELETE: _ClassVar[AdmissionRequest.Operation]
    CREATE: AdmissionRequest.Operation
    UPDATE: AdmissionRequest.Operation
    DELETE: AdmissionRequest.Operation
    PLUGINCONTEXT_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OBJECT_BYTES_FIELD_NUMBER: _ClassVar[int]
    OLD_OBJECT_BYTES_FIELD_NUMBER: _ClassVar[int]
    pluginContext: PluginContext
    operation: AdmissionRequest.Operation
    kind: GroupVersionKind
    object_bytes: bytes
    old_object_bytes: bytes
    def __init__(self, pluginContext: _Optional[_Union[PluginContext, _Mapping]] = ..., operation: _Optional[_Union[AdmissionRequest.Operation, str]] = ..., kind: _Optional[_Union[GroupVersionKind, _Mapping]] = ..., object_bytes: _Optional[bytes] = ..., old_object_bytes: _Optional[bytes] = ...) -> None: ...

class ValidationResponse(_message.Message):
    __slots__ = ("allowed", "result", "warnings")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    result: StatusResult
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, allowed: _Optional[bool] = ..., result: _Optional[_Union[StatusResult, _Mapping]] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...

class MutationResponse(_message.Message):
    __slots__ = ("allowed", "result", "warnings", "object_bytes")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    OBJECT_BYTES_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    result: StatusResult
    warnings: _containers.RepeatedScalarFieldContainer[str]
    object_bytes: bytes
    def __init__(self, allowed: _Optional[bool] = ..., result: _Optional[_Union[StatusResult, _Mapping]] = ..., warnings: _Optional[_Iterable[str]] = ..., object_bytes: _Optional[bytes] = ...) -> None: ...

class GroupVersion(_message.Message):
    __slots__ = ("group", "version")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    group: str
    version: str
    def __init__(self, group: _Optional[str] = ..., version: _Optional[str] = ...) -> None: ...

class RawObject(_message.Message):
    __slots__ = ("raw", "content_type")
    RAW_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    raw: bytes
    content_type: str
    def __init__(self, raw: _Optional[bytes] = ..., content_type: _Optional[str] = ...) -> None: ...

class ConversionRequest(_message.Message):
    __slots__ = ("pluginContext", "uid", "objects", "target_version")
    PLUGINCONTEXT_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    OBJECTS_FIELD_NUMBER: _ClassVar[int]
    TARGET_VERSION_FIELD_NUMBER: _ClassVar[int]
    pluginContext: PluginContext
    uid: str
    objects: _containers.RepeatedCompositeFieldContainer[RawObject]
    target_version: GroupVersion
    def __init__(self, pluginContext: _Optional[_Union[PluginContext, _Mapping]] = ..., uid: _Optional[str] = ..., objects: _Optional[_Iterable[_Union[RawObject, _Mapping]]] = ..., target_version: _Optional[_Union[GroupVersion, _Mapping]] = ...) -> None: ...

class ConversionResponse(_message.Message):
    __slots__ = ("uid", "result", "objects")
    UID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    OBJECTS_FIELD_NUMBER: _ClassVar[int]
    uid: str
    result: StatusResult
    objects: _containers.RepeatedCompositeFieldContainer[RawObject]
    def __init__(self, uid: _Optional[str] = ..., result: _Optional[_Union[StatusResult, _Mapping]] = ..., objects: _Optional[_Iterable[_Union[RawObject, _Mapping]]] = ...) -> None: ...

class StatusResult(_message.Message):
    __slots__ = ("status", "message", "reason", "code")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    status: str
    message: str
    reason: str
    code: int
    def __init__(self, status: _Optional[str] = ..., message: _Optional[str] = ..., reason: _Optional[str] = ..., code: _Optional[int] = ...) -> None: ...
